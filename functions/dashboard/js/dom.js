// DOM building without innerHTML: every string from the server (names, titles, messages) ends up as text, never markup.

/**
 * Creates an element. `attributes` keys are attribute names, except `text` (textContent), `className` and `on<Event>`
 * (listeners); null, undefined and false attributes are left out.
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'text') {
      element.textContent = String(value);
    } else if (name === 'className') {
      element.className = value;
    } else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  element.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`index.html lacks #${id}`);
  }
  return element;
}

/** Sets textContent only when it changed: the vehicle list is refreshed many times a second on a busy fleet. */
export function setText(element, text) {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

export function setAttr(element, name, value) {
  const text = String(value);
  if (element.getAttribute(name) !== text) {
    element.setAttribute(name, text);
  }
}
