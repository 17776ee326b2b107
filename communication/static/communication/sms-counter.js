// Live count of an SMS text's characters and parts while the officer types (the server counts
// again, the same way, in notifications/sms.py: this is only a hint). GSM-7 holds 160 characters
// in one SMS and 153 per part beyond; any other character (Arabic) makes it UCS-2: 70 and 67.
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXTENSION = "^{}\\[~]|€\f";

  function cost(text) {
    var units = 0, gsm = true, i, ch;
    for (i = 0; i < text.length; i++) {
      ch = text.charAt(i);
      if (EXTENSION.indexOf(ch) >= 0) { units += 2; }
      else if (BASIC.indexOf(ch) >= 0) { units += 1; }
      else { gsm = false; break; }
    }
    if (!gsm) { units = text.length; }  // UTF-16 code units, as the gateway counts them
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var parts = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / multi));
    return { units: units, parts: parts, encoding: gsm ? "GSM-7" : "UCS-2" };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("[data-sms-counter]");
    var output = document.getElementById("sms-counter");
    if (!input || !output) { return; }
    var template = output.getAttribute("data-template") || "";
    function update() {
      var c = cost(input.value.trim());
      output.textContent = template.replace("%(chars)s", c.units)
        .replace("%(encoding)s", c.encoding).replace("%(parts)s", c.parts);
    }
    input.addEventListener("input", update);
    update();
  });
})();
