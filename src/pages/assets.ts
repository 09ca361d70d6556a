/**
 * The hosted pages' stylesheet and script, served from our own routes (see assets.controller.ts)
 * so the pages' Content-Security-Policy needs no inline style or script.
 */

export const PAGES_CSS = `:root {
  color-scheme: light dark;
  --bg: #f4f6f8; --card: #ffffff; --text: #1f2328; --muted: #57606a; --border: #d0d7de;
  --accent: #0a58ca; --accent-text: #ffffff; --ok: #1a7f37; --bad: #c62828; --bad-bg: #fdecea; --focus: #ffb000;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #9da7b3; --border: #30363d;
    --accent: #4493f8; --accent-text: #0d1117; --ok: #3fb950; --bad: #ff7b72; --bad-bg: #3d1d1d; }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; min-height: 100vh; background: var(--bg); color: var(--text);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; display: flex; flex-direction: column; align-items: center;
  padding: 2rem 1rem; }
.card { width: 100%; max-width: 30rem; background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 2rem; }
.card.wide { max-width: 72rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .75rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
p { margin: 0 0 1rem; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, iframe:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.stack { display: flex; flex-direction: column; gap: 1rem; margin-bottom: 1rem; }
.field { display: flex; flex-direction: column; gap: .35rem; }
.field.checkbox { flex-direction: row; align-items: center; gap: .5rem; }
label { font-weight: 600; }
input[type=text], input[type=email], input[type=password] { width: 100%; font: inherit; font-size: 1rem; padding: .65rem .75rem;
  border: 1px solid var(--border); border-radius: 8px; background: var(--card); color: var(--text); }
input[aria-invalid=true] { border-color: var(--bad); border-width: 2px; }
input.code { font-size: 1.4rem; letter-spacing: .35em; font-variant-numeric: tabular-nums; max-width: 12rem; }
input[type=checkbox] { width: 1.15rem; height: 1.15rem; margin: 0; }
button { font: inherit; font-weight: 600; padding: .75rem 1rem; border-radius: 8px; border: 0; background: var(--accent); color: var(--accent-text);
  cursor: pointer; min-height: 2.75rem; }
button:hover { filter: brightness(1.08); }
.hint { color: var(--muted); font-size: .9rem; margin: 0; }
.field-error { color: var(--bad); font-weight: 600; font-size: .95rem; margin: 0; }
.field-error::before { content: "⚠ "; }
.alert { border: 2px solid var(--bad); background: var(--bad-bg); border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1rem; }
.alert-title { font-weight: 700; margin: 0 0 .25rem; }
.alert ul { margin: 0; padding-left: 1.25rem; }
.alert a { color: var(--bad); }
.rules-box { border: 1px solid var(--border); border-radius: 8px; padding: .6rem .8rem; margin-top: .25rem; }
.rules-heading { margin: 0 0 .25rem; font-size: .9rem; color: var(--muted); }
.rules { list-style: none; margin: 0; padding: 0; font-size: .92rem; }
.rule { padding-left: 1.5rem; position: relative; color: var(--muted); }
.rule::before { content: "•"; position: absolute; left: .3rem; font-weight: 700; }
.rule.met { color: var(--ok); }
.rule.met::before { content: "✓"; }
.rule.unmet { color: var(--bad); }
.rule.unmet::before { content: "✗"; }
.rule-note { font-size: .85rem; }
.aside { font-size: .95rem; margin-top: 1rem; }
.status { width: 3rem; height: 3rem; border-radius: 50%; display: flex; align-items: center; justify-content: center;
  font-size: 1.6rem; font-weight: 700; margin-bottom: 1rem; }
.status.success { background: var(--ok); color: var(--card); }
.status.error { background: var(--bad); color: var(--card); }
.languages { margin-top: 1rem; display: flex; gap: 1rem; font-size: .95rem; }
.languages a[aria-current] { font-weight: 700; text-decoration: none; color: var(--text); }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }
/* Dev mailbox */
.mailbox { display: grid; grid-template-columns: minmax(14rem, 22rem) 1fr; gap: 1.25rem; }
.messages { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: 8px; overflow: auto; max-height: 75vh; }
.messages li + li { border-top: 1px solid var(--border); }
.messages a { display: block; padding: .6rem .8rem; text-decoration: none; color: var(--text); }
.messages a[aria-current] { background: var(--bg); border-left: 4px solid var(--accent); }
.messages .subject { font-weight: 600; display: block; }
.messages .meta { color: var(--muted); font-size: .85rem; display: block; overflow-wrap: anywhere; }
.message-head dl { display: grid; grid-template-columns: auto 1fr; gap: .15rem .75rem; margin: 0 0 .75rem; font-size: .95rem; }
.message-head dt { color: var(--muted); }
.message-head dd { margin: 0; overflow-wrap: anywhere; }
.message-frame { width: 100%; height: 32rem; border: 1px solid var(--border); border-radius: 8px; background: #fff; }
pre.text-part { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); padding: .75rem; border-radius: 8px; font-size: .9rem; }
@media (max-width: 40rem) {
  body { padding: 0; }
  .card { border-radius: 0; border-left: 0; border-right: 0; padding: 1.25rem 1rem; min-height: 100vh; }
  .languages { padding: 0 1rem 1rem; }
  .mailbox { grid-template-columns: 1fr; }
  .messages { max-height: 14rem; }
  .message-frame { height: 26rem; }
}
`;

/**
 * Live password rules, the confirmation check and a "show passwords" switch. The form posts
 * as plain HTML without it; the server checks everything again.
 */
export const RESET_PASSWORD_JS = `(function () {
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
  var specials = list.getAttribute('data-specials') || '';
  var metText = list.getAttribute('data-met') || '';
  var unmetText = list.getAttribute('data-unmet') || '';
  var encoder = typeof TextEncoder === 'function' ? new TextEncoder() : null;
  var checks = {
    min_length: function (p) { return Array.from(p).length >= minLength; },
    max_bytes: function (p) { return encoder ? encoder.encode(p).length <= maxBytes : true; },
    uppercase: function (p) { return /\\p{Lu}/u.test(p); },
    lowercase: function (p) { return /\\p{Ll}/u.test(p); },
    digit: function (p) { return /\\d/.test(p); },
    special: function (p) { return Array.from(p).some(function (c) { return specials.indexOf(c) !== -1; }); }
  };

  function setState(item, state) {
    item.classList.remove('met', 'unmet');
    if (state) item.classList.add(state);
    var label = item.querySelector('.rule-state');
    if (label) label.textContent = state === 'met' ? ': ' + metText : state === 'unmet' ? ': ' + unmetText : '';
  }

  function updateRules() {
    var value = password.value;
    var items = list.querySelectorAll('li[data-rule]');
    for (var i = 0; i < items.length; i++) {
      var check = checks[items[i].getAttribute('data-rule')];
      if (check) setState(items[i], value ? (check(value) ? 'met' : 'unmet') : '');
      else setState(items[i], '');
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

  password.addEventListener('input', function () {
    password.removeAttribute('aria-invalid');
    updateRules();
    updateConfirm();
  });
  if (confirm) confirm.addEventListener('input', updateConfirm);

  var toggles = form.querySelectorAll('[data-show-passwords]');
  for (var j = 0; j < toggles.length; j++) toggles[j].hidden = false;
  var show = form.querySelector('#show-passwords');
  if (show) {
    show.addEventListener('change', function () {
      var type = show.checked ? 'text' : 'password';
      password.type = type;
      if (confirm) confirm.type = type;
    });
  }

  var summary = document.getElementById('error-summary');
  if (summary) {
    var firstInvalid = form.querySelector('[aria-invalid="true"]');
    if (firstInvalid) firstInvalid.focus();
  }
})();
`;
