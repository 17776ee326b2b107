# Moroccan usage: day first, 24-hour clock. Month names (F) come from locale/ar, which gives the
# Moroccan forms (ماي، يوليوز، غشت، شتنبر، نونبر، دجنبر) over Django's own Arabic catalogue.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
