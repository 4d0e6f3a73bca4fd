'use strict';
// "Back up now": the admin token goes in an Authorization header, never in a URL or a cookie,
// and is forgotten once the request is sent. Everything shown is set as text, never as HTML.
document.addEventListener('DOMContentLoaded', () => {
  const button = document.getElementById('dump-now');
  if (!button) {
    return;
  }
  const input = document.getElementById('admin-token');
  const state = document.getElementById('dump-state');
  button.addEventListener('click', async () => {
    const headers = { Authorization: 'Bearer ' + input.value };
    input.value = '';
    button.disabled = true;
    state.textContent = 'Starting…';
    try {
      // Resolved against the origin: a page opened as http://user:token@host/ would lend the URL its credentials,
      // which fetch refuses.
      const started = await fetch(new URL(button.dataset.href, location.origin), { method: 'POST', headers, credentials: 'omit' });
      const run = await started.json();
      if (started.status !== 202) {
        state.textContent = run.error || ('HTTP ' + started.status);
        button.disabled = false;
        return;
      }
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const now = await (await fetch(new URL(run.href, location.origin), { headers, credentials: 'omit' })).json();
        if (now.state !== 'running') {
          state.textContent = 'Dump ' + now.state + (now.archive ? ': ' + now.archive : '') + (now.error ? ': ' + now.error : '');
          setTimeout(() => location.reload(), 1500);
          return;
        }
        state.textContent = 'Dumping: ' + (now.bytes || 0) + ' bytes stored';
      }
    } catch (e) {
      state.textContent = String(e);
      button.disabled = false;
    }
  });
});
