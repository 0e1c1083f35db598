// Admins: removing a customer (preview per service, then confirm), the erasures page with live progress,
// evidence download, approval or rejection (with a reason) of customers' own requests, and reinstating a removal's
// addresses (with a reason).
import { ApiError, get, post, query } from './api.js';
import { errorBox, formatTime, h, replace } from './dom.js';
import { customerPicker } from './picker.js';
import { navigate, onLeave, showError, submitting } from './app.js';

const POLL_MS = 3000;
const modes = [['anonymize', 'Anonymize: delete the profile, keep tickets under a pseudonym'], ['purge', 'Purge: also delete the tickets the customer reported']];
const rejectionReasons = [['identity_not_verified', 'Identity not verified'], ['legal_hold', 'Legal hold'], ['open_contract', 'Open contract'], ['duplicate_request', 'Duplicate request']];
const reinstatementReasons = [['customer_returned', 'The person is a customer again'], ['removed_in_error', 'Removed in error'], ['address_reassigned', 'The address is someone else\'s now']];
const reasons = [['customer_request', 'The customer asked'], ['contact_moved', 'The contact moved (new company or address)'], ['account_closed', 'Account closed'], ['legal_obligation', 'Legal obligation']];
const counts = (map) => Object.entries(map || {}).map(([kind, n]) => `${kind.replaceAll('_', ' ')}: ${n}`).join(', ') || 'nothing';

/** The "Remove customer" flow of a customer page: mode → preview per service → reason, successor → confirm. */
export function removalSection(customer) {
  const section = h('section', { 'aria-labelledby': 'removal-title' }, h('h2', { id: 'removal-title' }, 'Remove customer'));
  const start = h('button', { type: 'button', class: 'danger' }, 'Remove customer');
  start.addEventListener('click', () => { start.remove(); section.append(previewForm(customer)); section.querySelector('input')?.focus(); });
  section.append(h('p', { class: 'muted' }, 'Removes the customer from every service for good. You see what each service will do before anything changes.'), start);
  return section;
}

function modeFieldset(name) {
  return h('fieldset', {}, h('legend', {}, 'Mode'), modes.map(([value, label], index) =>
    h('label', { class: 'inline' }, h('input', { type: 'radio', name, value, checked: index === 0 }), label)));
}

function previewForm(customer) {
  const form = h('form', { 'aria-label': 'Preview the removal' }, modeFieldset('removal-mode'), h('button', { type: 'submit' }, 'Preview'));
  const result = h('div');
  const wrapper = h('div', {}, form, result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = form.querySelector('input[name="removal-mode"]:checked').value;
    const preview = await submitting(form, () => post(`/api/v1/customers/${encodeURIComponent(customer.id)}/removal-preview`, { mode }));
    if (preview) replace(result, previewTable(preview), confirmForm(customer, mode));
  });
  return wrapper;
}

function previewTable(preview) {
  return h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'What each service will do' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Will remove or anonymize'))),
    h('tbody', {}, preview.impacts.map((impact) => h('tr', {},
      h('td', {}, impact.service),
      h('td', {}, impact.error ? h('span', { class: 'field-error' }, `Could not be asked: ${impact.error}`) : counts(impact.counts)))))));
}

function confirmForm(customer, mode) {
  // No reason is chosen for the admin: the one sent is recorded in the signed evidence.
  const reason = h('select', { id: 'removal-reason', required: true },
    h('option', { value: '' }, 'Choose a reason'), reasons.map(([value, label]) => h('option', { value }, label)));
  const successor = customerPicker({ label: 'Successor (optional): open tickets move to this customer first', projectKey: customer.projectKeys[0] });
  const form = h('form', { 'aria-label': 'Confirm the removal' },
    h('p', {}, `Mode: ${mode}. This cannot be undone.`),
    h('label', { for: 'removal-reason' }, 'Reason', reason),
    successor.element,
    h('button', { type: 'submit', class: 'danger' }, 'Confirm removal'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const request = await submitting(form, () => post('/api/v1/erasures', {
      customerId: customer.id, mode, reason: reason.value, successorCustomerId: successor.value?.customerId ?? null,
    }));
    if (request) navigate('/erasures');
  });
  return form;
}

function participantBadges(request) {
  return request.participants.map((p) => h('span', { class: `badge ${p.state}`, title: p.error || counts(p.counts) }, `${p.service}: ${p.state.replaceAll('_', ' ')}${p.overdue ? ' (overdue)' : ''}`));
}

async function downloadEvidence(request) {
  try {
    const evidence = await get(`/api/v1/erasures/${encodeURIComponent(request.id)}/evidence`);
    const url = URL.createObjectURL(new Blob([JSON.stringify(evidence, null, 2)], { type: 'application/json' }));
    const link = h('a', { href: url, download: `erasure-${request.id}-evidence.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (error) {
    showError(error);
  }
}

async function erasuresPage(container) {
  const status = h('select', { id: 'erasure-status' }, h('option', { value: '' }, 'Any status'),
    ['awaiting_approval', 'in_progress', 'completed', 'failed', 'rejected'].map((s) => h('option', { value: s }, s.replaceAll('_', ' '))));
  const body = h('div', { 'aria-live': 'polite' });
  const updated = h('p', { class: 'muted' });
  let timer = 0;
  let stopped = false;
  // While an admin picks a rejection or reinstatement reason the list is not redrawn under them.
  let holding = false;

  async function load() {
    try {
      const page = await get(`/api/v1/erasures${query({ status: status.value, pageSize: 50 })}`);
      if (holding) return;
      const place = focusedPlace();
      replace(body, page.items.length ? table(page.items) : h('p', { class: 'muted' }, 'No removal requests.'));
      restoreFocus(place);
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshes every ${POLL_MS / 1000} s.`;
    } catch (error) {
      replace(body, errorBox(error));
      if (error instanceof ApiError && (error.status === 401 || error.status === 501)) return;
    }
    if (!stopped) timer = setTimeout(load, POLL_MS);
  }

  // Each refresh draws the table anew: a keyboard user's focus on a row or one of its buttons moves to the same one
  // drawn again (to the row when that button is gone) instead of falling back to the top of the page every 3 s.
  function focusedPlace() {
    const active = document.activeElement;
    const row = active && body.contains(active) ? active.closest('tr') : null;
    return row?.id ? { row: row.id, label: active === row ? null : active.textContent } : null;
  }

  function restoreFocus(place) {
    const row = place && document.getElementById(place.row);
    if (!row) return;
    const same = place.label === null ? null : [...row.querySelectorAll('button')].find((button) => button.textContent === place.label);
    (same || row).focus();
  }

  function table(requests) {
    return h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Request', 'Customer', 'Status', 'Due', 'Services', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, requests.map((r) => h('tr', { id: `erasure-${r.id}`, tabindex: -1, class: r.overdue ? 'overdue' : '' },
        h('td', {}, r.id, h('div', { class: 'muted' }, `${r.mode}, ${r.reason.replaceAll('_', ' ')}`)),
        h('td', {}, r.customerId),
        h('td', {}, r.status.replaceAll('_', ' '), r.overdue ? h('strong', {}, ' (overdue)') : null,
          r.rejectionReason ? h('div', { class: 'muted' }, `reason: ${r.rejectionReason.replaceAll('_', ' ')}`) : null,
          r.reinstatement ? h('div', { class: 'muted' }, `addresses reinstated: ${r.reinstatement.reason.replaceAll('_', ' ')}`) : null),
        // A rejected request is due nowhere: nothing is to be done by then.
        h('td', {}, r.status === 'rejected' ? '—' : formatTime(r.dueAt)),
        h('td', {}, participantBadges(r)),
        h('td', {}, actions(r)))))));
  }

  function actions(request) {
    const buttons = [];
    const send = async (button, path, body) => {
      holding = false;
      button.disabled = true;
      try { await post(path, body); } catch (error) { showError(error); } finally { button.disabled = false; }
      clearTimeout(timer);
      await load();
      // The row is drawn again without the button pressed: the focus goes to the row, which now shows the outcome.
      document.getElementById(`erasure-${request.id}`)?.focus();
    };
    const act = (label, path, className) => {
      const button = h('button', { type: 'button', class: className }, label);
      button.addEventListener('click', () => send(button, path));
      buttons.push(button);
    };
    if (request.status === 'awaiting_approval') {
      act('Approve', `/api/v1/erasures/${encodeURIComponent(request.id)}/approval`);
      buttons.push(decisionControl(request, send, {
        label: 'Reject', reasons: rejectionReasons, reasonLabel: 'Rejection reason', confirm: 'Confirm rejection', path: 'rejection',
      }));
    }
    if (request.status === 'failed') act('Retry', `/api/v1/erasures/${encodeURIComponent(request.id)}/retry`, 'secondary');
    if (!['awaiting_approval', 'rejected'].includes(request.status)) {
      const evidence = h('button', { type: 'button', class: 'secondary' }, 'Evidence');
      evidence.addEventListener('click', () => downloadEvidence(request));
      buttons.push(evidence);
      if (!request.reinstatement) {
        buttons.push(decisionControl(request, send, {
          label: 'Reinstate addresses', reasons: reinstatementReasons, reasonLabel: 'Reinstatement reason', confirm: 'Confirm reinstatement', path: 'reinstatement',
        }));
      }
    }
    return h('div', { class: 'row' }, buttons);
  }

  /** A decision on a request that needs a reason code: its button opens the reason list and a confirmation. */
  function decisionControl(request, send, decision) {
    const open = h('button', { type: 'button', class: 'secondary' }, decision.label);
    const wrapper = h('div', { class: 'row' }, open);
    open.addEventListener('click', () => {
      holding = true;
      clearTimeout(timer);
      const id = `${decision.path}-${request.id}`;
      const reason = h('select', { id }, decision.reasons.map(([value, label]) => h('option', { value }, label)));
      const confirm = h('button', { type: 'button', class: 'danger' }, decision.confirm);
      const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
      confirm.addEventListener('click', () => send(confirm, `/api/v1/erasures/${encodeURIComponent(request.id)}/${decision.path}`, { reason: reason.value }));
      cancel.addEventListener('click', () => { holding = false; clearTimeout(timer); load(); });
      replace(wrapper, h('label', { for: id }, decision.reasonLabel, reason), confirm, cancel);
      reason.focus();
    });
    return wrapper;
  }

  status.addEventListener('change', () => { clearTimeout(timer); load(); });
  onLeave(() => { stopped = true; clearTimeout(timer); });
  replace(container, h('h1', {}, 'Erasures'),
    h('p', { class: 'muted' }, 'Customer removals with each service\'s progress; overdue requests are highlighted. Customers\' own requests wait here for approval or rejection. A removed customer\'s addresses stay blocked everywhere until you reinstate them.'),
    h('label', { for: 'erasure-status' }, 'Status', status), updated, body);
  await load();
}

export const adminRoutes = [
  { path: '/erasures', menu: 'Erasures', title: 'Erasures', render: erasuresPage },
];
