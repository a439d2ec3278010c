// Device credentials in the admin area (DESIGN 3.5): per device, its credentials (never their secrets), revoking one,
// and creating one, whose token is shown once with the exact settings for Traccar Client and OwnTracks and a QR code
// of the OsmAnd URL.

import { byId, el } from './dom.js';
import { act, field, formError, submitting, valuesOf } from './forms.js';
import { formatClock } from './format.js';
import qrcode from '../vendor/qrcode.mjs';

export class DeviceCredentialsSection {
  /**
   * @param {object} hooks
   * @param {import('./api.js').FleetApi} hooks.api
   * @param {import('./messages.js').Messages} hooks.messages
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.deviceId = null;
  }

  /** @param {string[]} deviceIds the company's devices */
  async show(deviceIds) {
    const container = byId('admin-credentials');
    if (deviceIds.length === 0) {
      container.replaceChildren(el('p', { className: 'empty-note', text: 'Add a vehicle with its device first.' }));
      return;
    }
    if (!deviceIds.includes(this.deviceId)) {
      this.deviceId = deviceIds[0];
    }
    const chooser = field({ idPrefix: 'credentials', path: 'device', kind: 'select', label: 'Device', value: this.deviceId,
      options: deviceIds.map((deviceId) => [deviceId, deviceId]) });
    chooser.querySelector('select').addEventListener('change', (event) => {
      this.deviceId = event.target.value;
      this.show(deviceIds);
    });
    let credentials = [];
    try {
      credentials = await this.hooks.api.deviceCredentials(this.deviceId);
    } catch (error) {
      this.hooks.messages.problem(`Could not load the credentials of ${this.deviceId}`, error);
    }
    container.replaceChildren(chooser, this.list(credentials, deviceIds), this.createForm(deviceIds), el('div', { id: 'new-credential' }));
  }

  list(credentials, deviceIds) {
    return el('ul', { className: 'admin-list', id: 'credential-list' }, ...credentials.map((credential) => el('li', {
      'data-credential-id': credential.credential_id, 'data-revoked': String(credential.revoked_at !== null),
    },
    el('span', { className: 'admin-item-name', text: credential.label || credential.credential_id }),
    el('span', { className: 'admin-item-detail', text: describe(credential) }),
    credential.revoked_at === null
      ? el('button', {
        type: 'button',
        className: 'button-quiet',
        'aria-label': `Revoke ${credential.label || credential.credential_id}`,
        text: 'Revoke',
        onClick: () => act(() => this.hooks.api.revokeDeviceCredential(this.deviceId, credential.credential_id), 'Could not revoke the credential',
          { messages: this.hooks.messages, after: () => this.show(deviceIds) }),
      })
      : null)));
  }

  createForm(deviceIds) {
    const form = el('form', { className: 'admin-form', 'aria-label': 'Create a device credential', novalidate: true },
      field({ idPrefix: 'new-credential', path: 'label', label: 'Label (e.g. the phone or tracker)' }),
      formError(),
      el('button', { type: 'submit', className: 'button-primary', text: 'Create credential' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      let created = null;
      if (await submitting(form, async () => {
        created = await this.hooks.api.createDeviceCredential(this.deviceId, valuesOf(form).label ?? null);
      })) {
        await this.show(deviceIds);
        this.showSecret(created);
      }
    });
    return form;
  }

  /** The token, this once, with what to type into each app. Reloading or leaving the page forgets it. */
  showSecret({ credential, token }) {
    const osmAndServer = this.hooks.api.deviceEndpoint('/api/osmand');
    const osmAndUrl = `${osmAndServer}?id=${encodeURIComponent(token)}`;
    const code = qrcode(0, 'M');
    code.addData(osmAndUrl);
    code.make();
    const setting = (label, value) => el('div', { className: 'credential-setting' },
      el('span', { className: 'credential-setting-label', text: label }),
      el('code', { text: value }));
    byId('new-credential').replaceChildren(el('section', { className: 'credential-secret', 'aria-labelledby': 'credential-secret-heading', tabindex: '-1' },
      el('h3', { id: 'credential-secret-heading', text: `New credential for ${credential.device_id}: copy it now, it is shown only once` }),
      setting('Device token', token),
      el('h4', { text: 'Traccar Client' }),
      setting('Server URL', osmAndServer),
      setting('Device identifier', token),
      el('img', { className: 'credential-qr', src: code.createDataURL(4, 2), alt: 'QR code of the OsmAnd URL with this token' }),
      el('h4', { text: 'OwnTracks (HTTP mode)' }),
      setting('URL', this.hooks.api.deviceEndpoint('/api/owntracks')),
      setting('User ID', credential.device_id),
      setting('Password', token),
      el('h4', { text: 'Any other sender' }),
      setting('POST', this.hooks.api.deviceEndpoint('/api/telemetry')),
      setting('Authorization', `Bearer ${token}`)));
    byId('new-credential').firstElementChild.focus();
  }
}

function describe(credential) {
  const parts = [`created ${formatClock(Date.parse(credential.created_at))}`];
  parts.push(credential.last_used_at ? `last used ${formatClock(Date.parse(credential.last_used_at))}` : 'never used');
  if (credential.revoked_at) {
    parts.push(`revoked ${formatClock(Date.parse(credential.revoked_at))}`);
  }
  return parts.join(' · ');
}
