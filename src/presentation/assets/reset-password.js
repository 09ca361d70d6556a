/* global document */
(function () {
  'use strict';
  var form = document.querySelector('form[data-password-form]');
  if (!form) return;
  var password = form.querySelector('#password');
  var confirm = form.querySelector('#password_confirm');
  var confirmError = form.querySelector('#password_confirm-error');
  var list = form.querySelector('#password-rules');
  if (!password || !list) return;

  var minLength = Number(list.getAttribute('data-min-length'));
  var maxBytes = Number(list.getAttribute('data-max-bytes'));
  // The server's own definition: any punctuation, symbol or space character counts as special.
  var special = new RegExp(list.getAttribute('data-special-pattern') || '[\\p{P}\\p{S}\\p{Zs}]', 'u');
  var metText = list.getAttribute('data-met') || '';
  var unmetText = list.getAttribute('data-unmet') || '';
  var encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;
  var checks = {
    min_length: function (p) { return Array.from(p).length >= minLength; },
    max_bytes: function (p) { return encoder ? encoder.encode(p).length <= maxBytes : true; },
    uppercase: function (p) { return /\p{Lu}/u.test(p); },
    lowercase: function (p) { return /\p{Ll}/u.test(p); },
    digit: function (p) { return /\d/.test(p); },
    special: function (p) { return special.test(p); }
  };

  function setState(item, state) {
    item.classList.remove('met', 'unmet');
    if (state) item.classList.add(state);
    var label = item.querySelector('.rule-state');
    if (label) label.textContent = state === 'met' ? ': ' + metText : state === 'unmet' ? ': ' + unmetText : '';
  }

  // Rules the page cannot check (a common password) go back to neutral once the password changes;
  // "too long" is shown only while the password is too long.
  function updateRules() {
    var value = password.value;
    var items = list.querySelectorAll('li[data-rule]');
    for (var i = 0; i < items.length; i++) {
      var id = items[i].getAttribute('data-rule');
      var check = checks[id];
      var state = check && value ? (check(value) ? 'met' : 'unmet') : '';
      if (id === 'max_bytes') {
        items[i].hidden = state !== 'unmet';
        state = state === 'unmet' ? 'unmet' : '';
      }
      setState(items[i], state);
    }
  }

  function updateConfirm() {
    if (!confirm || !confirmError) return;
    var mismatch = confirm.value !== '' && confirm.value !== password.value;
    confirmError.hidden = !mismatch;
    if (mismatch) confirmError.textContent = confirmError.getAttribute('data-message');
    if (mismatch) confirm.setAttribute('aria-invalid', 'true');
    else confirm.removeAttribute('aria-invalid');
  }

  var passwordError = form.querySelector('#password-error');
  password.addEventListener('input', function () {
    password.removeAttribute('aria-invalid');
    // The server's verdict was about the password as it was; it no longer applies.
    if (passwordError) {
      passwordError.hidden = true;
      password.setAttribute('aria-describedby', 'password-rules');
    }
    updateRules();
    updateConfirm();
  });
  if (confirm) confirm.addEventListener('input', updateConfirm);
  // A password the server sent back (the repetition did not match) is checked at once.
  if (password.value) updateRules();

  var toggle = form.querySelector('[data-show-passwords]');
  if (toggle) toggle.hidden = false;
  var show = form.querySelector('#show-passwords');
  if (show) {
    show.addEventListener('change', function () {
      var type = show.checked ? 'text' : 'password';
      password.type = type;
      if (confirm) confirm.type = type;
    });
  }

  var firstInvalid = form.querySelector('[aria-invalid="true"]');
  if (firstInvalid) firstInvalid.focus();
})();
