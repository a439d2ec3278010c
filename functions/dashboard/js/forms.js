// Forms of the administration and operator areas: labelled fields, each with its own error slot, filled from the
// problem details the API answers (`errors` names each invalid field by its JSON path).

import { el } from './dom.js';

const UNITS = [
  ['_per_liter', ' per litre'],
  ['_per_km', ' per km'],
  ['_mps2', ' (m/s²)'],
  ['_kmh', ' (km/h)'],
  ['_seconds', ' (s)'],
  ['_hours', ' (h)'],
  ['_meters', ' (m)'],
  ['_liters', ' (L)'],
  ['_percent', ' (%)'],
  ['_km', ' (km)'],
];

/** "min_stop_seconds" -> "Min stop (s)": the unit the API puts in the name, shown as a unit. */
export function humanise(name) {
  let text = name;
  let unit = '';
  for (const [suffix, shown] of UNITS) {
    if (text.endsWith(suffix)) {
      text = text.slice(0, -suffix.length);
      unit = shown;
      break;
    }
  }
  const words = text.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1) + unit;
}

/**
 * A labelled control with an error slot. `path` is the field's JSON path in the API (what `errors` names); `kind` is
 * 'text', 'number', 'email', 'checkbox' or 'select' (with `options` as [value, text] pairs).
 */
export function field({ idPrefix, path, label, kind = 'text', value = '', required = false, options = [], multiple = false }) {
  const id = `${idPrefix}-${path.replaceAll('.', '-').replaceAll('_', '-')}`;
  const errorId = `${id}-error`;
  const common = { id, name: path, 'data-path': path, 'aria-describedby': errorId, required };
  let control;
  if (kind === 'select') {
    control = el('select', { ...common, multiple }, ...options.map(([optionValue, text]) => el('option', { value: optionValue, text })));
    const wanted = new Set([value].flat().map(String));
    for (const option of control.options) {
      option.selected = wanted.has(option.value);
    }
  } else if (kind === 'checkbox') {
    control = el('input', { ...common, type: 'checkbox', checked: Boolean(value) });
  } else {
    control = el('input', { ...common, type: kind, value: value ?? '', step: kind === 'number' ? 'any' : null, autocomplete: 'off' });
  }
  return el('div', { className: `field field-${kind}` },
    el('label', { for: id, text: label ?? humanise(path.split('.').at(-1)) }),
    control,
    el('p', { className: 'field-error', id: errorId }));
}

/** The form's values by path: numbers as numbers, switches as booleans, multiple choices as arrays; empty text left out. */
export function valuesOf(form) {
  const values = {};
  for (const control of form.querySelectorAll('[data-path]')) {
    const path = control.dataset.path;
    if (control.type === 'checkbox') {
      values[path] = control.checked;
    } else if (control.multiple) {
      values[path] = [...control.selectedOptions].map((option) => option.value);
    } else if (control.value.trim() !== '') {
      values[path] = control.type === 'number' ? Number(control.value) : control.value.trim();
    }
  }
  return values;
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error, .form-error')) {
    slot.textContent = '';
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
  }
}

/**
 * Shows each field's error next to it and focuses the first; what names no field of this form (or a failure without
 * field errors) goes to the form's own error line.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const unplaced = [];
  let first = null;
  for (const [path, message] of Object.entries(error?.errors ?? {})) {
    const control = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (!control) {
      unplaced.push(message);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    document.getElementById(control.getAttribute('aria-describedby')).textContent = message;
    first ??= control;
  }
  const formError = form.querySelector('.form-error');
  if (unplaced.length > 0 || first === null) {
    formError.textContent = unplaced.length > 0 ? unplaced.join(' ') : (error?.message ?? 'Something went wrong.');
  }
  (first ?? formError).focus?.();
}

/** The line a form shows its own errors on (focusable, so a screen reader reads it when focused). */
export function formError() {
  return el('p', { className: 'form-error', role: 'alert', tabindex: '-1' });
}

/** Runs `submit` with the form's controls disabled, showing the API's errors in the form when it fails. */
export async function submitting(form, submit) {
  const controls = [...form.elements];
  controls.forEach((control) => { control.disabled = true; });
  clearErrors(form);
  let failure = null;
  try {
    await submit();
  } catch (error) {
    failure = error;
  } finally {
    controls.forEach((control) => { control.disabled = false; });
  }
  // Shown once the controls are enabled again, so that the first invalid one can take the focus.
  if (failure !== null) {
    showErrors(form, failure);
  }
  return failure === null;
}

/** A form that creates something through `create(values)`: on success it says `done`, then `after` re-reads the area. */
export function onCreate(form, create, { messages, done, after }) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await submitting(form, () => create(valuesOf(form)))) {
      messages.info(done);
      await after();
    }
  });
}

/** A one-click change (remove, disable, a new role): a failure is told, and `after` re-reads either way. */
export async function act(action, failure, { messages, after }) {
  try {
    await action();
  } catch (error) {
    messages.problem(failure, error);
  }
  await after();
}
