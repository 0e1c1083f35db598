// A customer picker: an ARIA 1.2 combobox whose options come from the gateway's SuggestCustomers as the
// user types. Requests are debounced; each carries a sequence number and the previous one is aborted, and an
// answer for an older prefix is dropped, so it never overwrites the options of a newer one; a highlighted customer
// stays highlighted in a newer answer that still offers them.
import { post } from './api.js';
import { h, uniqueId } from './dom.js';

const DEBOUNCE_MS = 200;

export function customerPicker({ label, projectKey, onPick, name, required = false }) {
  const inputId = uniqueId('picker');
  const listId = `${inputId}-list`;
  const statusId = `${inputId}-status`;
  const input = h('input', {
    id: inputId, type: 'text', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': listId, 'aria-describedby': statusId, name, required,
  });
  const list = h('ul', { id: listId, role: 'listbox', 'aria-label': `${label} suggestions`, hidden: true });
  const status = h('div', { id: statusId, class: 'status', 'aria-live': 'polite' });
  const root = h('div', { class: 'combobox' }, h('label', { for: inputId }, label), input, list, status);

  let options = [];
  let active = -1;
  let sequence = 0;
  let controller = null;
  let timer = 0;
  let selected = null;
  let project = projectKey;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function render() {
    list.replaceChildren(...options.map((option, index) => h('li', {
      id: `${listId}-${index}`, role: 'option', 'aria-selected': index === active ? 'true' : 'false',
      onmousedown: (event) => { event.preventDefault(); choose(index); },
    }, option.displayName, h('span', { class: 'muted' }, ` <${option.address}>`))));
    list.hidden = options.length === 0;
    input.setAttribute('aria-expanded', options.length ? 'true' : 'false');
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${active}`);
      list.children[active]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function choose(index) {
    const option = options[index];
    if (!option) return;
    selected = option;
    input.value = `${option.displayName} <${option.address}>`;
    status.textContent = `Selected ${option.displayName}.`;
    close();
    onPick?.(option);
  }

  async function suggest(text, mine) {
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await post('/api/v1/customers/suggestions', { projectKey: project, text, limit: 8 }, { signal: controller.signal });
      if (mine !== sequence) return;
      // A customer the user has moved to stays highlighted while a newer answer still offers them, so an Enter
      // pressed as the answer arrives picks whom the user saw highlighted.
      const highlighted = options[active]?.customerId;
      options = page.items;
      active = highlighted === undefined ? -1 : options.findIndex((option) => option.customerId === highlighted);
      status.textContent = options.length ? `${options.length} suggestion${options.length === 1 ? '' : 's'}; use the arrow keys to choose.` : 'No matching customer.';
      render();
    } catch (error) {
      if (error.name === 'AbortError' || mine !== sequence) return;
      options = [];
      render();
      status.textContent = `Suggestions failed: ${error.message}`;
    }
  }

  input.addEventListener('input', () => {
    selected = null;
    clearTimeout(timer);
    const text = input.value.trim();
    const mine = ++sequence;
    if (!text || !project) {
      controller?.abort();
      options = [];
      render();
      status.textContent = project ? '' : 'Choose a project first.';
      return;
    }
    timer = setTimeout(() => suggest(text, mine), DEBOUNCE_MS);
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && options.length) {
      event.preventDefault();
      active = (active + 1) % options.length;
      render();
    } else if (event.key === 'ArrowUp' && options.length) {
      event.preventDefault();
      active = active <= 0 ? options.length - 1 : active - 1;
      render();
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      close();
    }
  });

  input.addEventListener('blur', () => setTimeout(close, 100));

  return {
    element: root,
    input,
    get value() { return selected; },
    setProject(key) { project = key; },
    clear() { selected = null; input.value = ''; options = []; render(); status.textContent = ''; },
  };
}
