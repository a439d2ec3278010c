// A company admin's area (DESIGN 3.5): the company's settings and rule thresholds, its users and their roles, its
// vehicles with their devices, and its drivers. Every change goes through the HTTP API; its errors show next to the field.

import { DeviceCredentialsSection } from './device-credentials.js';
import { byId, el } from './dom.js';
import { act, field, formError, humanise, onCreate, submitting, valuesOf } from './forms.js';

const ROLES = ['admin', 'dispatcher', 'driver', 'viewer'];
const VEHICLE_CLASSES = [['passenger_car', 'Passenger car'], ['light_truck', 'Light truck'], ['heavy_truck', 'Heavy truck']];
const COMPANY_FIELDS = [
  ['name', 'text'],
  ['time_zone', 'text'],
  ['currency', 'text'],
  ['fuel_price_per_liter', 'number'],
  ['fixed_cost_per_km', 'number'],
  ['alert_expiry_hours', 'number'],
];

export class AdminArea {
  /**
   * @param {object} hooks
   * @param {import('./api.js').FleetApi} hooks.api acting for the company
   * @param {import('./messages.js').Messages} hooks.messages
   * @param {string} hooks.companyId
   * @param {() => void} hooks.onFleetChanged vehicles or drivers changed: the dispatch view re-reads them
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.credentials = new DeviceCredentialsSection({ api: hooks.api, messages: hooks.messages });
  }

  async show() {
    const { api, messages } = this.hooks;
    try {
      const [company, users, vehicles, drivers] = await Promise.all([
        api.companySettings(this.hooks.companyId), api.users(), api.vehicles(), api.drivers(),
      ]);
      this.renderSettings(company);
      this.renderUsers(users, vehicles, drivers);
      this.renderVehicles(vehicles);
      this.renderDrivers(drivers, users);
      await this.credentials.show(vehicles.flatMap((vehicle) => vehicle.device_ids));
    } catch (error) {
      messages.problem('Could not load the administration area', error);
    }
  }

  renderSettings(company) {
    const form = el('form', { className: 'admin-form settings-form', 'aria-labelledby': 'admin-settings-heading', novalidate: true });
    form.append(...COMPANY_FIELDS.map(([name, kind]) => field({ idPrefix: 'settings', path: name, kind, value: company[name], required: name === 'name' })));
    for (const [section, values] of Object.entries(company.rules)) {
      const fieldset = el('fieldset', {}, el('legend', { text: humanise(section) }));
      for (const [name, value] of Object.entries(values)) {
        fieldset.append(field({ idPrefix: 'settings', path: `rules.${section}.${name}`, kind: typeof value === 'boolean' ? 'checkbox' : 'number', value }));
      }
      form.append(fieldset);
    }
    form.append(formError(), el('button', { type: 'submit', className: 'button-primary', text: 'Save settings' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const saved = await submitting(form, async () => {
        this.renderSettings(await this.hooks.api.updateCompany(company.company_id, nested(valuesOf(form))));
      });
      if (saved) {
        this.hooks.messages.info('Company settings saved.');
      }
    });
    byId('admin-settings').replaceChildren(form);
  }

  renderUsers(users, vehicles, drivers) {
    const list = el('ul', { className: 'admin-list', id: 'admin-user-list' }, ...users.map((user) => {
      const role = el('select', { 'aria-label': `Role of ${user.display_name ?? user.user_id}` },
        ...ROLES.map((name) => el('option', { value: name, text: name, selected: name === user.role })));
      role.addEventListener('change', () => this.change(() => this.hooks.api.updateUser(user.user_id, { role: role.value }), 'Could not change the role'));
      return el('li', { 'data-user-id': user.user_id },
        el('span', { className: 'admin-item-name', text: user.display_name ? `${user.display_name} (${user.user_id})` : user.user_id }),
        el('span', { className: 'admin-item-detail', text: [user.email, user.driver_id && `driver ${user.driver_id}`].filter(Boolean).join(' · ') }),
        role,
        this.removeButton(`Remove ${user.display_name ?? user.user_id}`, () => this.hooks.api.removeUser(user.user_id)));
    }));

    const form = el('form', { className: 'admin-form', 'aria-label': 'Add a user', novalidate: true },
      field({ idPrefix: 'new-user', path: 'user_id', label: 'User id (their Entra object id)', required: true }),
      field({ idPrefix: 'new-user', path: 'display_name', label: 'Display name' }),
      field({ idPrefix: 'new-user', path: 'email', kind: 'email', label: 'E-mail' }),
      field({ idPrefix: 'new-user', path: 'role', kind: 'select', value: 'dispatcher', options: ROLES.map((name) => [name, name]) }),
      field({ idPrefix: 'new-user', path: 'vehicle_ids', kind: 'select', multiple: true, label: 'Vehicles (drivers and viewers)',
        options: vehicles.map((vehicle) => [vehicle.vehicle_id, vehicle.name]) }),
      field({ idPrefix: 'new-user', path: 'driver_id', kind: 'select', label: 'Driver record',
        options: [['', 'None'], ...drivers.map((driver) => [driver.driver_id, driver.name])] }),
      formError(),
      el('button', { type: 'submit', className: 'button-primary', text: 'Add user' }));
    onCreate(form, (values) => this.hooks.api.addUser(values), this.afterCreating('User added.'));
    byId('admin-users').replaceChildren(list, form);
  }

  renderVehicles(vehicles) {
    const list = el('ul', { className: 'admin-list', id: 'admin-vehicle-list' }, ...vehicles.map((vehicle) => el('li', { 'data-vehicle-id': vehicle.vehicle_id },
      el('span', { className: 'admin-item-name', text: `${vehicle.name} (${vehicle.vehicle_id})` }),
      el('span', { className: 'admin-item-detail', text: vehicle.device_ids.length > 0 ? `devices ${vehicle.device_ids.join(', ')}` : 'no device' }),
      this.removeButton(`Remove ${vehicle.name}`, () => this.hooks.api.deleteVehicle(vehicle.vehicle_id)))));

    const form = el('form', { className: 'admin-form', 'aria-label': 'Add a vehicle', novalidate: true },
      field({ idPrefix: 'new-vehicle', path: 'name', required: true }),
      field({ idPrefix: 'new-vehicle', path: 'device_id', label: 'Device id', required: true }),
      field({ idPrefix: 'new-vehicle', path: 'vehicle_class', kind: 'select', options: VEHICLE_CLASSES }),
      field({ idPrefix: 'new-vehicle', path: 'speed_limit_kmh', kind: 'number' }),
      // A device another vehicle holds is refused, naming that vehicle, unless moving it is asked for.
      field({ idPrefix: 'new-vehicle', path: 'move_device', kind: 'checkbox', label: 'Take the device from the vehicle that has it' }),
      formError(),
      el('button', { type: 'submit', className: 'button-primary', text: 'Add vehicle' }));
    onCreate(form, (values) => this.hooks.api.createVehicle(values), this.afterCreating('Vehicle added.'));
    byId('admin-vehicles').replaceChildren(list, form);
  }

  renderDrivers(drivers, users) {
    const list = el('ul', { className: 'admin-list', id: 'admin-driver-list' }, ...drivers.map((driver) => el('li', { 'data-driver-id': driver.driver_id },
      el('span', { className: 'admin-item-name', text: `${driver.name} (${driver.driver_id})` }),
      el('span', { className: 'admin-item-detail', text: driver.user_id ? `signs in as ${driver.user_id}` : 'no sign-in' }),
      this.removeButton(`Remove ${driver.name}`, () => this.hooks.api.deleteDriver(driver.driver_id)))));

    const form = el('form', { className: 'admin-form', 'aria-label': 'Add a driver', novalidate: true },
      field({ idPrefix: 'new-driver', path: 'name', required: true }),
      field({ idPrefix: 'new-driver', path: 'user_id', kind: 'select', label: 'Signs in as',
        options: [['', 'Nobody'], ...users.map((user) => [user.user_id, user.display_name ?? user.user_id])] }),
      formError(),
      el('button', { type: 'submit', className: 'button-primary', text: 'Add driver' }));
    onCreate(form, (values) => this.hooks.api.createDriver(values), this.afterCreating('Driver added.'));
    byId('admin-drivers').replaceChildren(list, form);
  }

  afterCreating(done) {
    return { messages: this.hooks.messages, done, after: () => this.refresh() };
  }

  /** Lists and choices depend on each other (a new driver is a choice for users): the whole area is read again. */
  async refresh() {
    this.hooks.onFleetChanged();
    await this.show();
  }

  removeButton(label, remove) {
    return el('button', {
      type: 'button',
      className: 'button-quiet',
      'aria-label': label,
      text: 'Remove',
      onClick: () => this.change(remove, `Could not ${label.charAt(0).toLowerCase()}${label.slice(1)}`),
    });
  }

  change(action, failure) {
    return act(action, failure, { messages: this.hooks.messages, after: () => this.refresh() });
  }
}

/** {"rules.trips.min_stop_seconds": 300, name: "x"} -> {rules: {trips: {min_stop_seconds: 300}}, name: "x"}. */
function nested(values) {
  const body = {};
  for (const [path, value] of Object.entries(values)) {
    const names = path.split('.');
    let node = body;
    for (const name of names.slice(0, -1)) {
      node = node[name] ??= {};
    }
    node[names.at(-1)] = value;
  }
  return body;
}
