// Watches the page's kernel so that a visitor never faces a silently dead page.
//
// - the kernel stopped or was restarted (its widgets are gone): "died" at once;
// - the connection dropped and did not come back within RECONNECT_MS: "lost";
// - the page sent the kernel a message (a click, a change) and heard nothing back within
//   ANSWER_MS: "unresponsive" (cleared when the kernel answers after all).
// Nothing is sent to the kernel for this: a heartbeat would count as activity and keep an
// abandoned tab's kernel from being culled.

import { clearNotice, showNotice } from './notice';

const RECONNECT_MS = 4000;
const ANSWER_MS = 5000;

// Returns a function that arms the answer check once the app is on the page (the start-up
// requests of a cold kernel may take longer than ANSWER_MS and are covered by "failed").
export function watchKernel(kernel, onConnected) {
  let reconnectTimer = null;
  let answerTimer = null;
  let wasConnected = false;
  let armed = false;
  kernel.connectionStatusChanged.connect((_, status) => {
    if (status === 'connected') {
      clearTimeout(reconnectTimer);
      reconnectTimer = null;
      wasConnected = true;
      onConnected();
    } else if (status === 'disconnected') {
      showNotice('lost');
    } else if (status === 'connecting' && wasConnected && reconnectTimer === null) {
      reconnectTimer = setTimeout(() => showNotice('lost'), RECONNECT_MS);
    }
  });
  kernel.statusChanged.connect((_, status) => {
    if (status === 'dead' || status === 'autorestarting' || status === 'restarting') showNotice('died');
  });
  kernel.anyMessage.connect((_, { msg, direction }) => {
    if (direction === 'send' && armed && msg.channel === 'shell' && answerTimer === null) {
      answerTimer = setTimeout(() => showNotice('unresponsive'), ANSWER_MS);
    } else if (direction === 'recv') {
      clearTimeout(answerTimer);
      answerTimer = null;
      clearNotice('unresponsive');
    }
  });
  return () => {
    armed = true;
  };
}
