// A bilingual notice at the top of the page when the connection to the kernel is gone.

const TEXT = {
  lost: [
    '与服务器的连接已断开(长时间未操作时会这样)。请刷新页面重新开始。',
    'The connection to the server was lost (this happens after a long idle time). Reload the page to start again.',
  ],
  failed: [
    '应用没有加载完整。请刷新页面;如果仍然不行,请稍后再试。',
    'The app did not load completely. Reload the page; if it keeps happening, try again later.',
  ],
};

export function showNotice(kind) {
  const [zh, en] = TEXT[kind];
  let box = document.getElementById('o2o-notice');
  if (!box) {
    box = document.createElement('div');
    box.id = 'o2o-notice';
    box.setAttribute('role', 'alert');
    document.body.prepend(box);
  }
  box.replaceChildren();
  for (const line of [zh, en]) {
    const p = document.createElement('p');
    p.textContent = line;
    box.appendChild(p);
  }
}
