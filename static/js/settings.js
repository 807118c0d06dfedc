// Progressive enhancement for the portal settings page: a live preview of the
// name, accent colour and logo, and the contrast warning as the colour
// changes. The page works fully without it.
(function () {
  "use strict";
  var form = document.getElementById("settings-form");
  if (!form) return;
  var name = document.getElementById("name");
  var color = document.getElementById("accentColor");
  var logo = document.getElementById("logoUrl");
  var preview = document.getElementById("live-preview");
  var liveName = document.getElementById("live-name");
  var liveLogo = document.getElementById("live-logo");
  var liveButton = document.getElementById("live-button");
  var note = document.getElementById("contrast-note");
  preview.hidden = false;

  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16) / 255; });
    var linear = channels.map(function (c) { return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }
  function contrast(a, b) {
    var l1 = luminance(a), l2 = luminance(b);
    return (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  }
  function update() {
    liveName.textContent = name.value || "Portal name";
    var hex = /^#[0-9a-fA-F]{6}$/.test(color.value) ? color.value.toLowerCase() : "#4f46e5";
    var text = contrast(hex, "#ffffff") >= contrast(hex, "#000000") ? "#ffffff" : "#000000";
    preview.querySelector(".live-preview-bar").style.borderBottomColor = hex;
    liveButton.style.background = hex;
    liveButton.style.color = text;
    var onWhite = contrast(hex, "#ffffff"), onButton = contrast(hex, text);
    var low = onWhite < 4.5 || onButton < 4.5;
    note.className = "contrast" + (low ? " warning" : "");
    note.textContent = (low ? "Low contrast (WCAG AA needs 4.5:1): " : "") +
      "links on white " + onWhite.toFixed(1) + ":1" + (onWhite < 4.5 ? " ⚠" : "") +
      ", button text " + onButton.toFixed(1) + ":1" + (onButton < 4.5 ? " ⚠" : "") + ".";
    var url = logo.value.trim();
    if (/^https:\/\/[^\s"'<>]+$/i.test(url)) { liveLogo.src = url; liveLogo.hidden = false; } else { liveLogo.hidden = true; }
  }
  [name, color, logo].forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
