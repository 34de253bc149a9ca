// Kernel-free answer boxes of the book's exercises (cnnviz.interact.exercises.page): each box carries the
// value cnnviz computed at build time (data-expected), the accepted relative error (data-rel-tol), what the
// answer is in (data-unit: "", "px" or "B") and whether it is a whole number (data-whole). The box is hidden
// in the page's HTML (Jupyter shows the check cell instead); this script shows and wires it.
//
// read() and judge() are the rule of cnnviz/interact/exercises/feedback.py (read_answer, judge), step for
// step: the same forms are read, refused with the same message, and judged right, close or wrong alike
// (tests/interact/answer_cases.py holds the cases; tests/browser/test_answer_rule.py runs them here).
(function () {
  "use strict";
  var SPACE = " \t\n\r\u00a0\u2009\u202f";
  var GROUPING = ",_ \u00a0\u2009\u202f";
  var SUPER_FROM = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b";
  var SUPER_TO = "0123456789+-";
  var BODY = /^(?:[0-9]|\.[0-9])[0-9.,_ \u00a0\u2009\u202f]*/;
  var E_POWER = /^[eE]([+-]?[0-9]{1,4})/;
  var TIMES = "(?:\u00d7|x|X|\\*|\u00b7|\u22c5)[ \u00a0]*10";
  var TIMES_POWER = new RegExp("^" + TIMES + "[ \u00a0]*(?:\\^|\\*\\*)[ \u00a0]*([+-]?[0-9]{1,4})");
  var TIMES_SUPERSCRIPT = new RegExp("^" + TIMES + "([\u207a\u207b]?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]{1,4})");
  var WORD = /^[A-Za-z]+/;
  var SCALES = {k: 3, K: 3, thousand: 3, M: 6, million: 6, G: 9, billion: 9};
  var PIXELS = ["px", "pixel", "pixels"];
  var BYTES = {B: [0, 0], "byte": [0, 0], bytes: [0, 0], kB: [3, 0], MB: [6, 0], GB: [9, 0],
               KiB: [0, 1], MiB: [0, 2], GiB: [0, 3]};
  var EXAMPLES = "51200, 51,200, 51.2k or 5.12e4";
  var MIN_CLOSE_FIGURES = 2;
  var CLOSE_SLACK = 1e-9;
  var WORDS = {right: "Right", close: "Close", wrong: "Wrong", unread: "Not read"};

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }
  function quote(text) { return "\u201c" + text + "\u201d"; }
  function strip(text, chars) {
    chars = chars || SPACE;
    var a = 0, b = text.length;
    while (a < b && chars.indexOf(text.charAt(a)) >= 0) { a += 1; }
    while (b > a && chars.indexOf(text.charAt(b - 1)) >= 0) { b -= 1; }
    return text.slice(a, b);
  }
  function rstrip(text, chars) {
    var b = text.length;
    while (b > 0 && chars.indexOf(text.charAt(b - 1)) >= 0) { b -= 1; }
    return text.slice(0, b);
  }
  function typedForm(text) {  // fullwidth digits and the minus sign, as feedback._TYPED
    var out = "";
    for (var i = 0; i < text.length; i += 1) {
      var code = text.charCodeAt(i);
      if (code >= 0xff10 && code <= 0xff19) { out += String(code - 0xff10); }
      else if (code === 0x2212) { out += "-"; }
      else { out += text.charAt(i); }
    }
    return out;
  }
  function digitsOnly(text) { return text.replace(/[^0-9.]/g, ""); }
  function thousands(digits) {
    return digits.replace(/^0+(?=[0-9])/, "").replace(/\B(?=([0-9]{3})+(?![0-9]))/g, ",");
  }
  function decimal(intDigits, frac) {
    frac = frac.replace(/0+$/, "");
    return frac ? (intDigits || "0") + "." + frac : (intDigits || "0");
  }
  function refuse(text, why) { return {text: text, value: null, figures: 0, halfUnit: 0, refusal: why}; }

  function numberBody(text, body) {  // feedback._number_body
    var points = body.split(".").length - 1;
    var grouping = [];
    for (var i = 0; i < body.length; i += 1) {
      var c = body.charAt(i);
      if (GROUPING.indexOf(c) >= 0 && grouping.indexOf(c) < 0) { grouping.push(c); }
    }
    if (points > 1) {
      if (!grouping.length && /^[1-9][0-9]{0,2}(\.[0-9]{3})+$/.test(body)) {
        var plain = body.replace(/\./g, "");
        return refuse(text, quote(body) + ": a point marks decimals here; for thousands type " + plain +
                      " or " + thousands(plain) + ".");
      }
      return refuse(text, quote(body) + " has more than one point: type one number with at most one " +
                    "decimal point, e.g. 1.25.");
    }
    var at = body.indexOf(".");
    var intPart = at < 0 ? body : body.slice(0, at);
    var frac = at < 0 ? "" : body.slice(at + 1);
    if (frac.indexOf(",") >= 0) {
      var last = body.lastIndexOf(",");
      return refuse(text, quote(body) + ": type a point for decimals and nothing (or commas) between " +
                    "thousands: " + digitsOnly(body.slice(0, last)).replace(/\./g, "") + "." +
                    body.slice(last + 1) + ".");
    }
    for (var j = 0; j < frac.length; j += 1) {
      if (GROUPING.indexOf(frac.charAt(j)) >= 0) {
        return refuse(text, quote(body) + ": group digits in threes before the point only: " +
                      digitsOnly(body) + ".");
      }
    }
    if (!grouping.length) { return [intPart, at < 0 ? null : frac]; }
    var groups = intPart.split(/[,_ \u00a0\u2009\u202f]/);
    var inThrees = grouping.length === 1 && /^[1-9][0-9]{0,2}$/.test(groups[0]);
    for (var g = 1; g < groups.length && inThrees; g += 1) { inThrees = /^[0-9]{3}$/.test(groups[g]); }
    if (inThrees) { return [groups.join(""), at < 0 ? null : frac]; }
    if (grouping.length === 1 && grouping[0] === "," && groups.length === 2 && at < 0 &&
        /^[0-9]+$/.test(groups[0]) && /^[0-9]+$/.test(groups[1])) {
      var without = groups[0].charAt(0) === "0" ? "" : "; without it: " + groups[0] + groups[1];
      return refuse(text, quote(body) + ": a comma groups thousands in threes (as in 51,200); for a " +
                    "decimal type a point: " + groups[0] + "." + groups[1] + without + ".");
    }
    return refuse(text, quote(body) + ": group digits in threes (51,200 or 51 200), or type them without " +
                  "separators: " + digitsOnly(body) + ".");
  }

  function read(text, unit, whole) {  // feedback.read_answer
    var typed = strip(typedForm(String(text)));
    if (!typed) { return refuse(typed, "type a number, e.g. " + EXAMPLES + "."); }
    var sign = "", rest = typed;
    if (typed.charAt(0) === "+" || typed.charAt(0) === "-") {
      sign = typed.charAt(0) === "-" ? "-" : "";
      rest = strip(typed.slice(1));
    }
    var match = BODY.exec(rest);
    if (!match) { return refuse(typed, quote(typed) + " is not a number: type digits, e.g. " + EXAMPLES + "."); }
    var body = rstrip(match[0], GROUPING);
    var tail = strip(rest.slice(body.length));
    var parsed = numberBody(typed, body);
    if (!Array.isArray(parsed)) { return parsed; }
    var intDigits = parsed[0], frac = parsed[1];
    var exponent = 0, binary = 0, scaled = false;
    var power = E_POWER.exec(tail) || TIMES_POWER.exec(tail);
    var superscript = power ? null : TIMES_SUPERSCRIPT.exec(tail);
    var word = power || superscript ? null : WORD.exec(tail);
    if (power || superscript) {
      var found = power || superscript, digits = "";
      for (var i = 0; i < found[1].length; i += 1) {
        var s = SUPER_FROM.indexOf(found[1].charAt(i));
        digits += s >= 0 ? SUPER_TO.charAt(s) : found[1].charAt(i);
      }
      exponent = parseInt(digits, 10);
      tail = strip(tail.slice(found[0].length));
      scaled = true;
    } else if (word && has(SCALES, word[0])) {
      exponent = SCALES[word[0]];
      tail = strip(tail.slice(word[0].length));
      scaled = true;
    } else if (word && word[0] === "m") {
      return refuse(typed, quote("m") + " could mean milli or million: type M for million, k for thousand.");
    }
    var number = tail ? strip(typed.slice(0, typed.length - tail.length)) : typed;
    if (scaled && (has(SCALES, tail) || ["\u00d7", "x", "X", "*", "\u00b7", "\u22c5"].indexOf(tail.charAt(0)) >= 0)) {
      return refuse(typed, quote(typed) + ": give the power of ten once, e.g. 1.2e6 or 1.2M.");
    }
    if (tail.charAt(0) === "^" || tail.slice(0, 2) === "**") {
      return refuse(typed, quote(typed) + ": write a power of ten as 1e6 or 1\u00d710^6.");
    }
    if (!scaled && frac !== null && /^[1-9][0-9]{0,2}\.[0-9]{3}$/.test(body)) {
      var plain = intDigits + frac;
      return refuse(typed, quote(body) + " could mean " + plain + " or " + decimal(intDigits, frac) + ": type " +
                    plain + " (or " + thousands(plain) + ") for the first, " + decimal(intDigits, frac) +
                    " for the second.");
    }
    if (tail === "%") {
      if (whole) {
        return refuse(typed, "this answer is a whole number, not a percentage: type it without %, e.g. " +
                      strip(number) + ".");
      }
      exponent -= 2;
    } else if (PIXELS.indexOf(tail.toLowerCase()) >= 0 && unit === "px") {
      // pixels, as the answer is
    } else if (has(BYTES, tail) && unit === "B") {
      exponent += BYTES[tail][0];
      binary = BYTES[tail][1];
    } else if (tail === "KB" && unit === "B") {
      return refuse(typed, quote("KB") + " could be 1000 or 1024 bytes: type kB (1000) or KiB (1024).");
    } else if (tail) {
      var alone = "type the number alone, without " + quote(tail) + ": " + number + ".";
      if (has(BYTES, tail) || tail === "KB") { return refuse(typed, "this answer is not a size in bytes; " + alone); }
      return refuse(typed, alone);
    }
    frac = frac || "";
    var scale = Math.pow(1024, binary);
    var value = Number(sign + (intDigits || "0") + "." + (frac || "0") + "e" + exponent) * scale;
    if (!isFinite(value)) { return refuse(typed, quote(typed) + " is too large to read."); }
    var figures = (intDigits + frac).replace(/^0+/, "").length;
    var halfUnit = Number("5e" + (exponent - frac.length - 1)) * scale;
    return {text: typed, value: value, figures: figures, halfUnit: halfUnit, refusal: ""};
  }

  function judge(reading, expected, relTol, whole) {  // feedback.judge: [verdict, what follows its word]
    if (reading.refusal) { return ["unread", reading.refusal]; }
    var given = reading.value, off = Math.abs(given - expected);
    var right = relTol === 0 ? given === expected : off <= relTol * Math.max(Math.abs(given), Math.abs(expected));
    if (right) { return ["right", ""]; }
    if (reading.figures >= MIN_CLOSE_FIGURES && off <= reading.halfUnit * (1 + CLOSE_SLACK)) {
      var more = whole ? "it is a whole number: type every digit." : "give it to more figures.";
      return ["close", reading.text + " agrees with the answer to " + reading.figures + " significant figures; " + more];
    }
    if (given < 0 && expected >= 0) { return ["wrong", reading.text + " is negative; the answer is not."]; }
    return ["wrong", reading.text + " is too " + (given > expected ? "large" : "small") + "."];
  }

  function wire(box) {
    var input = box.querySelector("input");
    var button = box.querySelector("button");
    var feedback = box.querySelector(".cnnviz-answer-feedback");
    var card = box.closest(".cnnviz-exercise");
    var expected = Number(box.getAttribute("data-expected"));
    var relTol = Number(box.getAttribute("data-rel-tol")) || 0;
    var unit = box.getAttribute("data-unit") || "";
    var whole = box.getAttribute("data-whole") === "true";
    var hint = card && card.querySelector(".cnnviz-exercise-hint");
    var working = card && card.querySelector(".cnnviz-exercise-answer .cnnviz-exercise-working");
    function check() {
      var result = judge(read(input.value, unit, whole), expected, relTol, whole);
      var detail = result[1];
      if (result[0] === "wrong" && hint) { detail += " Try the hint."; }
      if (result[0] === "right" && working) { detail = "The working is under \u201cAnswer\u201d."; }
      var badge = document.createElement("strong");
      badge.className = "cnnviz-verdict cnnviz-verdict-" + result[0];
      badge.textContent = WORDS[result[0]];
      feedback.textContent = "";
      feedback.appendChild(badge);
      if (detail) { feedback.appendChild(document.createTextNode(" " + detail)); }
      box.setAttribute("data-verdict", result[0]);
      box.setAttribute("data-correct", result[0] === "right" ? "true" : "false");
    }
    button.addEventListener("click", check);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { check(); } });
    box.hidden = false;
    box.style.display = "";
  }
  // The rule, for the tests that hold it to feedback.py's (and for anyone who wants it in the console).
  window.cnnvizAnswers = {read: read, judge: judge};
  function wireAll() { document.querySelectorAll("div.cnnviz-answer-box[hidden]").forEach(wire); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wireAll); } else { wireAll(); }
})();
