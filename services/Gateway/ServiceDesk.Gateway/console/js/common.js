// Pieces several pages share: the project chooser, ticket tables, the ticket page.
import { del, get, post, put, query } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { customerPicker } from './picker.js';
import { navigate, refocus, session, showAfterNavigation, showError, submitting } from './app.js';

export function projectSelect(id, onChange) {
  const select = h('select', { id, name: 'projectKey', required: true },
    session.projects.map((project) => h('option', { value: project.key }, `${project.name} (${project.key})`)));
  select.addEventListener('change', () => onChange?.(select.value));
  return select;
}

export function noProjects(container, title) {
  // The console has no forms for projects, accounts or customers: an admin creates them through the API.
  const notice = {
    admin: ['There is no project yet. Projects, agent and customer accounts and customers are created through the API: see the ', h('a', { href: '/scalar' }, 'API reference'), '.'],
    customer: ['You are not a customer of any project yet.'],
  }[session.account.role] ?? ['You have no project yet. An admin creates projects and gives agents their project keys.'];
  replace(container, h('h1', {}, title), h('p', { class: 'notice' }, notice));
}

export const statuses = ['open', 'in_progress', 'waiting_for_customer', 'resolved', 'closed'];
export const statusLabel = (status) => status.replaceAll('_', ' ');

/** A ticket table with "Load more" paging. */
export async function ticketList(container, filters) {
  const body = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Ticket'), h('th', { scope: 'col' }, 'Summary'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Reporter'), h('th', { scope: 'col' }, 'Updated'))),
    body));
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const empty = h('p', { class: 'muted', hidden: true }, 'No tickets.');
  replace(container, table, empty, more);
  let token = '';
  async function load() {
    more.disabled = true;
    try {
      const page = await get(`/api/v1/tickets${query({ ...filters, pageSize: 25, pageToken: token })}`);
      for (const ticket of page.items) {
        body.append(h('tr', {},
          h('td', {}, h('a', { href: `#/tickets/${encodeURIComponent(ticket.id)}` }, ticket.id)),
          h('td', {}, ticket.summary),
          h('td', {}, statusLabel(ticket.status)),
          h('td', {}, ticket.reporter?.displayName || '—'),
          h('td', {}, formatTime(ticket.updatedAt))));
      }
      token = page.nextPageToken;
      more.hidden = !token;
      empty.hidden = body.children.length > 0;
    } catch (error) {
      showError(error);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', load);
  await load();
}

export async function ticketsPage(container) {
  if (!session.projects.length) return noProjects(container, 'Tickets');
  const list = h('div');
  const status = h('select', { id: 'status-filter' }, h('option', { value: '' }, 'Any status'), statuses.map((s) => h('option', { value: s }, statusLabel(s))));
  const project = projectSelect('project-filter');
  const refresh = () => ticketList(list, { projectKey: project.value, status: status.value });
  project.addEventListener('change', refresh);
  status.addEventListener('change', refresh);
  replace(container, h('h1', {}, 'Tickets'),
    h('div', { class: 'row' }, h('label', { for: 'project-filter' }, 'Project', project), h('label', { for: 'status-filter' }, 'Status', status)),
    list);
  await refresh();
}

/** A ticket; drawn again after each change, with the focus on the field of the form just sent (focusOn). */
export async function ticketPage(container, ticketId, focusOn = null) {
  const ticket = await get(`/api/v1/tickets/${encodeURIComponent(ticketId)}`);
  const staff = session.account.role !== 'customer';
  // Customers see the other customers on a ticket without their address.
  const named = (p) => p.address ? `${p.displayName} <${p.address}>` : p.displayName;
  const person = (p) => p ? (p.erased ? p.displayName || 'Former customer' : p.leftProject ? `${named(p) || p.customerId} (no longer a customer of this project)` : named(p)) : '—';
  const me = session.account.customerId;

  // A comment's author as the API names them to this caller: staff to customers by the operator's one name for them,
  // a customer by the id the ticket's people carry, staff to staff by account.
  const people = [ticket.reporter, ...ticket.participants].filter(Boolean);
  const author = (c) => {
    if (c.authorDisplayName) return c.authorDisplayName;
    if (c.authorCustomerId) {
      if (me && c.authorCustomerId === me) return 'You';
      const p = people.find((candidate) => candidate.customerId === c.authorCustomerId);
      if (p) return p.erased || p.leftProject ? person(p) : p.displayName || p.customerId;
      return staff ? `Customer ${c.authorCustomerId} (no longer on this ticket)` : 'A customer no longer on this request';
    }
    if (c.authorAccountId) return c.authorAccountId === session.account.id ? 'You' : `Staff account ${c.authorAccountId}`;
    return 'Unknown author';
  };

  // Among customers, the reporter removes anyone and a participant only themselves (Ticketing's rule).
  const removable = (p) => staff || ticket.reporter?.customerId === me || p.customerId === me;
  const participants = h('ul', { class: 'chips', 'aria-label': 'Participants' }, ticket.participants.map((p) => h('li', {}, person(p),
    removable(p) ? h('button', { type: 'button', 'aria-label': `Remove ${p.displayName}`, onclick: async () => {
      try { await del(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/participants/${encodeURIComponent(p.customerId)}`); await ticketPage(container, ticketId, staff ? '#add-participant input' : null); } catch (error) { showError(error); }
    } }, '×') : null)));
  if (!ticket.participants.length) participants.append(h('li', { class: 'muted' }, 'No participants'));

  const picker = customerPicker({ label: 'Add a participant', projectKey: ticket.projectKey });
  const addForm = h('form', { id: 'add-participant' }, picker.element, h('button', { type: 'submit' }, 'Add participant'));
  addForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!picker.value) { picker.input.focus(); return; }
    const done = await submitting(addForm, () => put(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/participants/${encodeURIComponent(picker.value.customerId)}`));
    if (done) await ticketPage(container, ticketId, '#add-participant input');
  });

  const statusSelect = h('select', { id: 'ticket-status' }, statuses.map((s) => h('option', { value: s, selected: s === ticket.status }, statusLabel(s))));
  const statusForm = h('form', { class: 'row' }, h('label', { for: 'ticket-status' }, 'Status', statusSelect), h('button', { type: 'submit' }, 'Change status'));
  statusForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await submitting(statusForm, () => put(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/status`, { status: statusSelect.value }));
    if (done) await ticketPage(container, ticketId, '#ticket-status');
  });

  const commentBody = h('textarea', { id: 'comment-body', required: true });
  const internal = h('input', { type: 'checkbox', id: 'comment-internal' });
  const commentForm = h('form', {},
    h('label', { for: 'comment-body' }, 'Add a comment', commentBody),
    staff ? h('label', { class: 'inline', for: 'comment-internal' }, internal, 'Internal (not shown to customers)') : null,
    h('button', { type: 'submit' }, 'Comment'));
  commentForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await submitting(commentForm, () => post(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/comments`, { body: commentBody.value, internal: internal.checked }));
    if (done) await ticketPage(container, ticketId, '#comment-body');
  });

  replace(container,
    h('h1', {}, `${ticket.id}: ${ticket.summary}`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', {}, statusLabel(ticket.status)),
      h('dt', {}, 'Project'), h('dd', {}, ticket.projectKey),
      h('dt', {}, 'Reporter'), h('dd', {}, person(ticket.reporter)),
      h('dt', {}, 'Created'), h('dd', {}, formatTime(ticket.createdAt))),
    ticket.description ? h('p', {}, ticket.description) : null,
    staff ? statusForm : null,
    h('h2', {}, 'Participants'), participants, staff ? addForm : null,
    h('h2', {}, 'Comments'),
    ticket.comments.length
      ? h('ul', { class: 'comments' }, ticket.comments.map((c) => h('li', { class: c.internal ? 'internal' : '' },
        h('div', { class: 'muted' }, h('span', { class: 'author' }, author(c)), ` · ${formatTime(c.createdAt)}${c.internal ? ' · internal' : ''}`), h('p', {}, c.body))))
      : h('p', { class: 'muted' }, 'No comments yet.'),
    ticket.status === 'closed' ? h('p', { class: 'muted' }, 'This ticket is closed.') : commentForm);
  if (focusOn) refocus(container, focusOn);
}

/** The "new request" form; customers raise requests for themselves. */
export function newRequestPage(container, { forCustomer = null } = {}) {
  if (!session.projects.length) return noProjects(container, 'New request');
  const project = projectSelect('new-project');
  const reporter = forCustomer ? null : customerPicker({ label: 'Reporter', projectKey: project.value, name: 'reporter', required: true });
  const participantPicker = forCustomer ? null : customerPicker({ label: 'Request participants', projectKey: project.value, name: 'participant', onPick: addParticipant });
  const chosen = [];
  const chips = h('ul', { class: 'chips', 'aria-label': 'Chosen participants' });
  function addParticipant(option) {
    if (!chosen.some((p) => p.customerId === option.customerId)) chosen.push(option);
    participantPicker.clear();
    renderChips();
  }
  function renderChips() {
    replace(chips, chosen.map((p, index) => h('li', {}, `${p.displayName} <${p.address}>`,
      h('button', { type: 'button', 'aria-label': `Remove ${p.displayName}`, onclick: () => { chosen.splice(index, 1); renderChips(); } }, '×'))));
  }
  project.addEventListener('change', () => {
    reporter?.setProject(project.value); reporter?.clear();
    participantPicker?.setProject(project.value); participantPicker?.clear();
    chosen.length = 0; renderChips();
  });
  const summary = h('input', { id: 'new-summary', name: 'summary', required: true, maxlength: 255 });
  const description = h('textarea', { id: 'new-description', name: 'description' });
  const form = h('form', {},
    h('label', { for: 'new-project' }, 'Project', project),
    reporter?.element, participantPicker?.element, forCustomer ? null : chips,
    h('label', { for: 'new-summary' }, 'Summary', summary),
    h('label', { for: 'new-description' }, 'Description', description),
    h('button', { type: 'submit' }, forCustomer ? 'Raise request' : 'Create request'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reporterId = forCustomer ?? reporter.value?.customerId;
    if (!reporterId) {
      form.querySelector('.error')?.remove();
      form.append(h('div', { class: 'error', role: 'alert' }, 'Choose the reporter from the suggestions.'));
      reporter.input.focus();
      return;
    }
    const ticket = await submitting(form, () =>
      post('/api/v1/tickets', { projectKey: project.value, reporterCustomerId: reporterId, summary: summary.value, description: description.value }));
    if (!ticket) return;
    // The request exists now: a participant refused is reported on its page, never by creating it twice.
    for (const participant of chosen) {
      try {
        await put(`/api/v1/tickets/${encodeURIComponent(ticket.id)}/participants/${encodeURIComponent(participant.customerId)}`);
      } catch (error) {
        showAfterNavigation(error);
        break;
      }
    }
    navigate(`/tickets/${encodeURIComponent(ticket.id)}`);
  });
  replace(container, h('h1', {}, forCustomer ? 'Raise a request' : 'New request'), form);
}
