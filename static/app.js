/* Litmus landing pages: progressive enhancement only. Without this script (or in a browser
   too old for it) the signup form posts normally and the server answers with HTML.
   With it, the form is sent with fetch asking for JSON:
     201 (or any 2xx)  -> go to the thanks page
     422 {"errors": {"field": "message"}, "message": "..."} -> show the messages inline
     anything else     -> submit the form the ordinary way and let the server's page speak. */
(function () {
  'use strict';

  if (!window.fetch || !window.FormData || !window.URLSearchParams ||
      !document.querySelector || !document.addEventListener) {
    return;
  }

  function errorNode(form, id) {
    return form.querySelector('#' + id + '-error');
  }

  function setFieldError(form, input, message) {
    var node = errorNode(form, input.id);
    if (!node) { return false; }
    node.textContent = message || '';
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', node.id);
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
    return true;
  }

  function clearErrors(form, status) {
    var inputs = form.querySelectorAll('[aria-invalid="true"]');
    for (var i = 0; i < inputs.length; i++) { setFieldError(form, inputs[i], ''); }
    status.textContent = '';
  }

  function showErrors(form, status, data) {
    var errors = (data && data.errors) || {};
    var unplaced = [];
    var first = null;
    for (var name in errors) {
      if (!Object.prototype.hasOwnProperty.call(errors, name)) { continue; }
      var input = form.elements[name];
      if (input && input.id && setFieldError(form, input, String(errors[name]))) {
        if (!first) { first = input; }
      } else {
        unplaced.push(String(errors[name]));
      }
    }
    var summary = (data && data.message) ? [String(data.message)] : [];
    status.textContent = summary.concat(unplaced).join(' ') ||
      (first ? form.getAttribute('data-error-summary') || '' : '');
    if (first) { first.focus(); } else { status.focus(); }
  }

  function enhance(form) {
    var status = form.querySelector('.form-status');
    var button = form.querySelector('button[type="submit"]');
    if (!status || !button) { return; }
    var busy = false;

    form.addEventListener('input', function (event) {
      var target = event.target;
      if (target && target.getAttribute('aria-invalid') === 'true') {
        setFieldError(form, target, '');
      }
    });

    form.addEventListener('submit', function (event) {
      if (busy) { event.preventDefault(); return; }
      event.preventDefault();
      busy = true;
      form.setAttribute('aria-busy', 'true');
      clearErrors(form, status);

      function fallBack() {
        busy = false;
        form.removeAttribute('aria-busy');
        form.submit(); // the ordinary post: the server renders the answer as a page
      }

      fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { 'Accept': 'application/json' },
        credentials: 'same-origin'
      }).then(function (res) {
        if (res.ok) {
          // The answer names this signup's own thank-you page (its questions, its share
          // link); only a path on this site is followed.
          var thanks = form.getAttribute('data-thanks');
          return res.json().then(function (data) {
            var to = data && data.redirect;
            window.location.assign(typeof to === 'string' && to.charAt(0) === '/' && to.charAt(1) !== '/' && to.charAt(1) !== '\\' ? to : thanks);
          }, function () { window.location.assign(res.redirected ? res.url : thanks); });
        }
        if (res.status !== 422) { fallBack(); return; }
        return res.json().then(function (data) {
          busy = false;
          form.removeAttribute('aria-busy');
          showErrors(form, status, data);
        }, fallBack);
      }, fallBack);
    });
  }

  function enhanceShare(link) {
    var status = document.getElementById(link.getAttribute('aria-describedby') || '');
    link.addEventListener('click', function (event) {
      var url = link.href;
      if (navigator.share) {
        event.preventDefault();
        navigator.share({ title: document.title, url: url }).catch(function () {});
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        event.preventDefault();
        navigator.clipboard.writeText(url).then(function () {
          if (status) {
            status.textContent = (link.getAttribute('data-copied') || 'Link copied: {url}').replace('{url}', url);
          }
        }, function () { window.location.assign(url); });
      }
    });
  }

  function start() {
    var forms = document.querySelectorAll('form[data-signup]');
    for (var i = 0; i < forms.length; i++) { enhance(forms[i]); }
    var links = document.querySelectorAll('a[data-share]');
    for (var j = 0; j < links.length; j++) { enhanceShare(links[j]); }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
