// The alerts panel (#alerts): newest first, with read and delete actions that keep keyboard focus in place.

import { el, setText } from './dom.js';
import { formatClock, formatDateTime, parseTime, severityLabel } from './format.js';

const RAISED_LATER_MS = 60_000;

export class AlertsPanel {
  /**
   * @param {{onRead: (alertId: string) => void, onDelete: (alertId: string) => void,
   *          onShowVehicle: (vehicleId: string) => void, vehicleName: (vehicleId: string) => string}} hooks
   */
  constructor(list, unreadBadge, emptyNote, heading, hooks) {
    this.list = list;
    this.unreadBadge = unreadBadge;
    this.emptyNote = emptyNote;
    this.heading = heading;
    this.hooks = hooks;
    this.items = new Map();
  }

  /** @param {object[]} alerts newest first */
  render(alerts) {
    const focus = this.focusedControl();
    const wanted = new Set(alerts.map((alert) => alert.id));
    for (const [alertId, entry] of this.items) {
      if (!wanted.has(alertId)) {
        entry.item.remove();
        this.items.delete(alertId);
      }
    }

    alerts.forEach((alert, index) => {
      const signature = this.signatureOf(alert);
      let entry = this.items.get(alert.id);
      if (!entry || entry.signature !== signature) {
        const item = this.itemOf(alert);
        if (entry) {
          entry.item.replaceWith(item);
        }
        entry = { item, signature };
        this.items.set(alert.id, entry);
      }
      const current = this.list.children[index];
      if (current !== entry.item) {
        this.list.insertBefore(entry.item, current ?? null);
      }
    });

    const unread = alerts.filter((alert) => !alert.read).length;
    setText(this.unreadBadge, `${unread} unread`);
    this.unreadBadge.dataset.count = String(unread);
    this.emptyNote.hidden = alerts.length > 0;
    this.restoreFocus(focus, alerts);
  }

  signatureOf(alert) {
    return JSON.stringify([alert.severity, alert.read, alert.title, alert.message, alert.event_time, alert.vehicle_id,
      alert.vehicle_id ? this.hooks.vehicleName(alert.vehicle_id) : null]);
  }

  itemOf(alert) {
    const time = parseTime(alert.event_time);
    const title = alert.title || 'Alert';
    const vehicle = alert.vehicle_id
      ? el('button', { type: 'button', className: 'link-button', 'data-action': 'show-vehicle', text: this.hooks.vehicleName(alert.vehicle_id),
        'aria-label': `Show ${this.hooks.vehicleName(alert.vehicle_id)} on the map`, onClick: () => this.hooks.onShowVehicle(alert.vehicle_id) })
      : null;
    // Each name starts with the button's visible words, so speech input can say what the eye reads.
    const read = el('button', { type: 'button', 'data-action': 'read', text: 'Mark read', 'aria-label': `Mark read: alert “${title}”`,
      onClick: () => this.hooks.onRead(alert.id) });
    // Kept in the DOM but hidden and disabled once read, so the row keeps its shape for scripts and tests alike.
    read.hidden = alert.read;
    read.disabled = alert.read;
    const remove = el('button', { type: 'button', 'data-action': 'delete', text: 'Delete', 'aria-label': `Delete alert “${title}”`,
      onClick: () => this.hooks.onDelete(alert.id) });

    return el('li', {
      className: 'alert',
      'data-alert-id': alert.id,
      'data-severity': alert.severity,
      'data-read': String(Boolean(alert.read)),
      'data-vehicle-id': alert.vehicle_id ?? '',
    },
    el('p', { className: 'alert-head' },
      el('span', { className: 'severity-badge', 'data-severity': alert.severity, text: severityLabel(alert.severity) }),
      alert.read ? null : el('span', { className: 'unread-mark', text: 'New' }),
      el('span', { className: 'alert-title', text: title })),
    alert.message ? el('p', { className: 'alert-message', text: alert.message }) : null,
    el('p', { className: 'alert-meta' },
      el('time', { datetime: alert.event_time, title: formatDateTime(time), text: formatClock(time) }),
      raisedLater(alert, time),
      vehicle ? el('span', { 'aria-hidden': 'true', text: ' · ' }) : null,
      vehicle),
    el('div', { className: 'alert-actions' }, read, remove));
  }

  focusedControl() {
    const active = document.activeElement;
    const item = active?.closest?.('li[data-alert-id]');
    if (!item || !this.list.contains(item)) {
      return null;
    }
    return { alertId: item.dataset.alertId, action: active.dataset.action, index: [...this.list.children].indexOf(item) };
  }

  /**
   * A rebuilt or removed row takes the focus with it; give it back to the same control, or, when the alert is gone
   * (deleted here or by another dispatcher), to the alert that took its place, so the keyboard user is not thrown out.
   */
  restoreFocus(focus, alerts) {
    if (!focus || this.list.contains(document.activeElement)) {
      return;
    }
    const same = focus.action
      ? this.items.get(focus.alertId)?.item.querySelector(`[data-action="${CSS.escape(focus.action)}"]:not([disabled])`)
      : null;
    if (same) {
      same.focus();
      return;
    }
    const neighbour = alerts[Math.min(focus.index, alerts.length - 1)];
    const target = neighbour ? this.items.get(neighbour.id)?.item.querySelector('button:not([disabled])') : null;
    (target ?? this.heading).focus();
  }
}

/**
 * Alerts are listed by when they were raised; one raised well after what it is about (an offline alert, raised minutes
 * after the last report it names) says so, or its earlier time would look out of place in the list.
 */
function raisedLater(alert, eventTime) {
  const raised = parseTime(alert.created_at);
  if (raised === null || eventTime === null || raised - eventTime < RAISED_LATER_MS) {
    return null;
  }
  return el('span', { className: 'alert-raised', title: formatDateTime(raised), text: ` · raised ${formatClock(raised)}` });
}
