using System.Text.Json;

namespace SalesCrm.Web.Api;

/// <summary>
/// The embeddable form (<c>GET /forms/{key}.js</c>): placed on a page with one <c>&lt;script&gt;</c> tag, it draws a lead form
/// right where the tag is, remembers the visit's UTM tags (from the address, kept for the session so a later page still has
/// them), and sends the form with the page's address to the form's endpoint. A hidden field catches bots; a repeated click
/// sends the same <c>submission_id</c>, which is taken once.
/// </summary>
public static class EmbeddedForm
{
    public static string Script(string endpoint, string formName) => $$"""
        (function () {
          var endpoint = {{JsonSerializer.Serialize(endpoint)}}, title = {{JsonSerializer.Serialize(formName)}};
          var here = document.currentScript;
          var utm = {};
          try { utm = JSON.parse(sessionStorage.getItem('salescrm-utm') || '{}'); } catch (e) { }
          new URLSearchParams(location.search).forEach(function (v, k) { if (/^utm_/i.test(k)) utm[k.toLowerCase()] = v; });
          try { sessionStorage.setItem('salescrm-utm', JSON.stringify(utm)); } catch (e) { }
          var css = 'display:block;width:100%;box-sizing:border-box;margin:0 0 .6rem;padding:.6rem .7rem;border:1px solid #c4c9d4;border-radius:6px;font:inherit';
          var form = document.createElement('form');
          form.className = 'salescrm-form';
          form.setAttribute('novalidate', '');
          form.style.cssText = 'max-width:28rem;font-family:system-ui,sans-serif;font-size:1rem';
          function field(name, label, type, area) {
            var el = document.createElement(area ? 'textarea' : 'input');
            el.name = name; el.placeholder = label; el.setAttribute('aria-label', label); el.style.cssText = css;
            if (!area) el.type = type; else el.rows = 3;
            form.appendChild(el); return el;
          }
          field('name', 'Имя', 'text'); field('phone', 'Телефон', 'tel'); field('email', 'E-mail', 'email');
          field('company', 'Компания', 'text'); field('comment', 'Комментарий', null, true);
          var trap = document.createElement('input');
          trap.name = '{{FormsApi.Honeypot}}'; trap.tabIndex = -1; trap.autocomplete = 'off'; trap.setAttribute('aria-hidden', 'true');
          trap.style.cssText = 'position:absolute;left:-10000px;width:1px;height:1px;opacity:0';
          form.appendChild(trap);
          var button = document.createElement('button');
          button.type = 'submit'; button.textContent = 'Отправить заявку';
          button.style.cssText = 'padding:.65rem 1.2rem;border:0;border-radius:6px;background:#1e4a8c;color:#fff;font:inherit;cursor:pointer';
          form.appendChild(button);
          var note = document.createElement('p');
          note.setAttribute('role', 'status'); note.style.cssText = 'margin:.6rem 0 0';
          form.appendChild(note);
          var id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
          form.addEventListener('submit', function (e) {
            e.preventDefault();
            var data = new URLSearchParams(new FormData(form));
            if (!data.get('phone') && !data.get('email')) { note.style.color = '#b3261e'; note.textContent = 'Укажите телефон или e-mail.'; return; }
            Object.keys(utm).forEach(function (k) { data.set(k, utm[k]); });
            data.set('page', location.href); data.set('submission_id', id);
            button.disabled = true; note.style.color = ''; note.textContent = 'Отправляем…';
            fetch(endpoint, { method: 'POST', body: data, headers: { 'Accept': 'application/json' } })
              .then(function (r) { return r.json().catch(function () { return { ok: false, message: 'Сервер не ответил. Повторите позже.' }; }); })
              .then(function (a) {
                note.style.color = a.ok ? '#1b5e20' : '#b3261e'; note.textContent = a.message;
                if (a.ok) { form.reset(); id = String(Date.now()) + Math.random().toString(16).slice(2); } else { button.disabled = false; }
              })
              .catch(function () { note.style.color = '#b3261e'; note.textContent = 'Нет связи с сервером. Повторите позже.'; button.disabled = false; });
          });
          form.dataset.form = title;
          if (here && here.parentNode) here.parentNode.insertBefore(form, here.nextSibling); else document.body.appendChild(form);
        })();
        """;
}
