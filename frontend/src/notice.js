// A bilingual notice with a reload button at the top of the page when the page's kernel is
// gone, restarted or not answering, or when the app did not load.

const TEXT = {
  lost: [
    '与服务器的连接已断开(长时间未操作时会这样)。请刷新页面重新开始。',
    'The connection to the server was lost (this happens after a long idle time). Reload the page to start again.',
  ],
  died: [
    '这个页面的计算内核已停止(出错或被服务器关闭),操作不会再有反应。请刷新页面重新开始。',
    "This page's kernel has stopped (it failed or the server shut it down), so nothing will respond. Reload the page to start again.",
  ],
  unresponsive: [
    '这个页面的计算内核没有回应。请稍等片刻;如果仍然没有反应,请刷新页面重新开始。',
    "This page's kernel is not answering. Wait a moment; if nothing happens, reload the page to start again.",
  ],
  failed: [
    '应用没有加载完整。请刷新页面;如果仍然不行,请稍后再试。',
    'The app did not load completely. Reload the page; if it keeps happening, try again later.',
  ],
};

// a notice about a stopped kernel or a lost connection is final; "unresponsive" may clear
const FINAL = new Set(['lost', 'died', 'failed']);

export function showNotice(kind) {
  const [zh, en] = TEXT[kind];
  let box = document.getElementById('o2o-notice');
  if (box && FINAL.has(box.dataset.kind) && !FINAL.has(kind)) return;
  if (!box) {
    box = document.createElement('div');
    box.id = 'o2o-notice';
    box.setAttribute('role', 'alert');
    document.body.prepend(box);
  }
  box.dataset.kind = kind;
  box.replaceChildren();
  for (const line of [zh, en]) {
    const p = document.createElement('p');
    p.textContent = line;
    box.appendChild(p);
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = '刷新页面 / Reload';
  button.addEventListener('click', () => window.location.reload());
  box.appendChild(button);
}

export function clearNotice(kind) {
  const box = document.getElementById('o2o-notice');
  if (box && box.dataset.kind === kind) box.remove();
}
