"""Mounted under a/<slug:association_slug>/training/ (config/urls.py)."""

from django.urls import path

from training import views, views_learning

app_name = "training"

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<int:course_id>/", views.course_detail, name="course"),
    path("courses/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:course_id>/sessions/new/", views.session_new, name="session_new"),
    path("courses/<int:course_id>/content/", views_learning.course_content, name="course_content"),
    path("courses/<int:course_id>/learn/", views_learning.course_learn, name="learn"),
    path("lessons/<int:lesson_id>/", views_learning.lesson_page, name="lesson"),
    path("lessons/<int:lesson_id>/file", views_learning.lesson_file, name="lesson_file"),
    path("lessons/<int:lesson_id>/done/", views_learning.lesson_done, name="lesson_done"),
    path("lessons/<int:lesson_id>/quiz/", views_learning.quiz_submit, name="quiz_submit"),
    path(
        "platform-courses/<int:platform_course_id>/learn/", views_learning.course_learn, name="platform_learn"
    ),
    path("platform-lessons/<int:platform_lesson_id>/", views_learning.lesson_page, name="platform_lesson"),
    path(
        "platform-lessons/<int:platform_lesson_id>/file",
        views_learning.lesson_file,
        name="platform_lesson_file",
    ),
    path(
        "platform-lessons/<int:platform_lesson_id>/done/",
        views_learning.lesson_done,
        name="platform_lesson_done",
    ),
    path(
        "platform-lessons/<int:platform_lesson_id>/quiz/",
        views_learning.quiz_submit,
        name="platform_quiz_submit",
    ),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/certificates/", views.session_certificates, name="session_certificates"),
    path(
        "platform/<int:platform_session_id>/certificates/",
        views.session_certificates,
        name="platform_session_certificates",
    ),
    path("sessions/<int:session_id>/invite/", views.session_invite, name="session_invite"),
    path(
        "course-invitations/<int:course_invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "participants/<int:participant_id>/send-page/",
        views.participant_send_page,
        name="participant_send_page",
    ),
    path("sessions/<int:session_id>/enrol/", views.session_enrol, name="session_enrol"),
    path("sessions/<int:session_id>/attendance/", views.attendance, name="session_attendance"),
    path("sessions/<int:session_id>/attendance.pdf", views.attendance_sheet, name="session_sheet"),
    path("attendance-statuses/", views.attendance_statuses, name="attendance_statuses"),
    path("platform/enrol/", views.platform_enrol_member, name="platform_enrol_member"),
    path("platform/<int:platform_session_id>/", views.session_detail, name="platform_session"),
    path("platform/<int:platform_session_id>/enrol/", views.platform_enrol, name="platform_enrol"),
    path(
        "platform/<int:platform_session_id>/attendance/", views.attendance, name="platform_session_attendance"
    ),
    path(
        "platform/<int:platform_session_id>/attendance.pdf",
        views.attendance_sheet,
        name="platform_session_sheet",
    ),
    path("payments/", views.payments_due, name="payments"),
    path("enrolments/<int:enrolment_id>/payment/", views.enrolment_pay, name="enrolment_pay"),
    path("enrolments/<int:enrolment_id>/cancel/", views.enrolment_cancel, name="enrolment_cancel"),
    path("enrolments/<int:enrolment_id>/evaluate/", views.enrolment_evaluate, name="enrolment_evaluate"),
    path("enrolments/<int:enrolment_id>/complete/", views.enrolment_complete, name="enrolment_complete"),
    path("enrolments/<int:enrolment_id>/checkin/", views.checkin, name="checkin"),
    path("certificates/<int:certificate_id>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:certificate_id>.pdf", views.my_certificate, name="certificate_pdf"),
]
