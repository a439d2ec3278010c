// The non-blocking message area (#messages, role="status"): problems from the API and notices, each dismissible.

import { el } from './dom.js';

const ERROR_LIFETIME_MS = 30_000;
const INFO_LIFETIME_MS = 10_000;

export class Messages {
  constructor(container) {
    this.container = container;
  }

  info(text) {
    this.show(text, 'info');
  }

  error(text) {
    this.show(text, 'error');
  }

  /** Shows an ApiError (its problem title and detail) or any other failure. */
  problem(context, error) {
    this.error(`${context}: ${error?.message || 'unexpected error'}`);
  }

  show(text, kind) {
    // The same problem repeated (a retry failing again) refreshes its message instead of piling up copies.
    for (const existing of this.container.children) {
      if (existing.dataset.text === text) {
        existing.remove();
      }
    }
    const message = el('div', { className: `message message-${kind}`, 'data-kind': kind, 'data-text': text },
      el('span', { className: 'message-text', text }));
    const dismiss = el('button', { type: 'button', className: 'message-dismiss', 'aria-label': 'Dismiss message', text: '×' });
    dismiss.addEventListener('click', () => message.remove());
    message.append(dismiss);
    this.container.append(message);
    setTimeout(() => message.remove(), kind === 'error' ? ERROR_LIFETIME_MS : INFO_LIFETIME_MS);
  }
}
