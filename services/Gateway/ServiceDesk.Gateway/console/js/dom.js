// Building DOM without innerHTML: text is always text, so no value from the API can become markup.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

let nextId = 0;
export const uniqueId = (prefix) => `${prefix}-${++nextId}`;

/** An error box for a form or a page; field errors are listed under their field name. */
export function errorBox(error) {
  const fields = Object.entries(error.fieldErrors || {});
  return h('div', { class: 'error', role: 'alert' },
    h('p', {}, error.message || String(error)),
    fields.length ? h('ul', {}, fields.map(([field, messages]) => h('li', {}, `${field}: ${[].concat(messages).join('; ')}`))) : null);
}

export const formatTime = (value) => value ? new Date(value).toLocaleString() : '—';
