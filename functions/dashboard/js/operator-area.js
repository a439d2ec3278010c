// The platform operators' area (DESIGN 3.5): every company, creating one, disabling or enabling it, and adding a new
// company's first admin, who then sets the company up in their own administration area.

import { byId, el } from './dom.js';
import { act, field, formError, onCreate } from './forms.js';

export class OperatorArea {
  /**
   * @param {object} hooks
   * @param {import('./api.js').FleetApi} hooks.api
   * @param {import('./messages.js').Messages} hooks.messages
   */
  constructor(hooks) {
    this.hooks = hooks;
  }

  async show() {
    try {
      const companies = await this.hooks.api.companies();
      this.renderCompanies(companies);
      this.renderCreate();
      this.renderFirstAdmin(companies);
    } catch (error) {
      this.hooks.messages.problem('Could not load the companies', error);
    }
  }

  renderCompanies(companies) {
    const list = el('ul', { className: 'admin-list', id: 'company-list' }, ...companies.map((company) => {
      const toggle = company.disabled
        ? el('button', { type: 'button', className: 'button-quiet', 'aria-label': `Enable ${company.name}`, text: 'Enable',
          onClick: () => this.change(() => this.hooks.api.updateCompany(company.company_id, { disabled: false }), `Could not enable ${company.name}`) })
        : el('button', { type: 'button', className: 'button-quiet', 'aria-label': `Disable ${company.name}`, text: 'Disable',
          onClick: () => this.change(() => this.hooks.api.disableCompany(company.company_id), `Could not disable ${company.name}`) });
      return el('li', { 'data-company-id': company.company_id, 'data-disabled': String(company.disabled) },
        el('span', { className: 'admin-item-name', text: `${company.name} (${company.company_id})` }),
        el('span', { className: 'admin-item-detail', text: [company.time_zone, company.currency, company.disabled ? 'disabled' : null].filter(Boolean).join(' · ') }),
        toggle);
    }));
    byId('operator-companies').replaceChildren(list);
  }

  renderCreate() {
    const form = el('form', { className: 'admin-form', 'aria-label': 'Create a company', novalidate: true },
      field({ idPrefix: 'new-company', path: 'name', required: true }),
      field({ idPrefix: 'new-company', path: 'time_zone', label: 'Time zone (IANA, e.g. Europe/Berlin)', value: 'UTC' }),
      field({ idPrefix: 'new-company', path: 'currency', label: 'Currency (ISO 4217)', value: 'EUR' }),
      field({ idPrefix: 'new-company', path: 'fuel_price_per_liter', kind: 'number' }),
      formError(),
      el('button', { type: 'submit', className: 'button-primary', text: 'Create company' }));
    onCreate(form, (values) => this.hooks.api.createCompany(values), this.afterCreating('Company created.'));
    byId('operator-create').replaceChildren(form);
  }

  renderFirstAdmin(companies) {
    const form = el('form', { className: 'admin-form', 'aria-label': 'Add a company admin', novalidate: true },
      field({ idPrefix: 'first-admin', path: 'company_id', kind: 'select', label: 'Company',
        options: companies.filter((company) => !company.disabled).map((company) => [company.company_id, company.name]) }),
      field({ idPrefix: 'first-admin', path: 'user_id', label: 'User id (their Entra object id)', required: true }),
      field({ idPrefix: 'first-admin', path: 'display_name', label: 'Display name' }),
      field({ idPrefix: 'first-admin', path: 'email', kind: 'email', label: 'E-mail' }),
      formError(),
      el('button', { type: 'submit', className: 'button-primary', text: 'Add admin' }));
    onCreate(form, (values) => this.hooks.api.addUser({ ...values, role: 'admin' }), this.afterCreating('Admin added.'));
    byId('operator-first-admin').replaceChildren(form);
  }

  afterCreating(done) {
    return { messages: this.hooks.messages, done, after: () => this.show() };
  }

  change(action, failure) {
    return act(action, failure, { messages: this.hooks.messages, after: () => this.show() });
  }
}
