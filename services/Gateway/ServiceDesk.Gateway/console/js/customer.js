// Customers (the portal): their own requests, raising one, asking for their data to be deleted.
import { get, post } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { newRequestPage, noProjects, ticketList, ticketPage } from './common.js';
import { refocus, session, submitting } from './app.js';

async function myRequestsPage(container) {
  if (!session.projects.length) return noProjects(container, 'My requests');
  const sections = session.projects.map((project) => ({ project, list: h('div') }));
  replace(container, h('h1', {}, 'My requests'),
    sections.map(({ project, list }) => h('section', {}, h('h2', {}, project.name), list)));
  for (const { project, list } of sections) await ticketList(list, { projectKey: project.key });
}

// A request's status and a rejection's reason as the customer reads them.
const requestStatus = {
  awaiting_approval: 'waiting for an administrator\'s approval',
  in_progress: 'approved, being carried out',
  failed: 'approved, being carried out (a step is being tried again)',
  completed: 'carried out',
  rejected: 'rejected',
};
const rejectionReason = {
  identity_not_verified: 'your identity could not be verified',
  legal_hold: 'a legal hold applies to your data',
  open_contract: 'you have an open contract',
  duplicate_request: 'it repeats another request',
};
const openStatuses = ['awaiting_approval', 'in_progress', 'failed'];

/** "Delete my data": the customer's own removal requests with their status, and the form while none is open. */
async function deleteMyDataPage(container) {
  const requests = (await get('/api/v1/erasures?pageSize=10')).items;
  const open = requests.find((request) => openStatuses.includes(request.status));
  const form = h('form', { 'aria-label': 'Delete my data' },
    h('fieldset', {}, h('legend', {}, 'What should happen to your requests?'),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'mode', value: 'anonymize', checked: true }), 'Keep them without my name and address'),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'mode', value: 'purge' }), 'Delete the requests I raised as well')),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', id: 'confirm-delete', required: true }), 'I understand that this cannot be undone.'),
    h('button', { type: 'submit', class: 'danger' }, 'Delete my data'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = form.querySelector('input[name="mode"]:checked').value;
    const request = await submitting(form, () => post('/api/v1/me/removal-request', { mode }));
    if (!request) return;
    await deleteMyDataPage(container);
    refocus(container, '#my-removal-requests');
  });
  const list = requests.length
    ? h('section', { 'aria-labelledby': 'my-removal-requests' },
      h('h2', { id: 'my-removal-requests', tabindex: -1 }, 'Your requests'),
      h('ul', {}, requests.map((request) => h('li', {},
        `Asked ${formatTime(request.receivedAt)}: ${requestStatus[request.status] || request.status.replaceAll('_', ' ')}`,
        request.status === 'rejected' && request.rejectionReason
          ? `, because ${rejectionReason[request.rejectionReason] || request.rejectionReason.replaceAll('_', ' ')}.` : '.',
        request.status === 'awaiting_approval' ? ` It is due by ${new Date(request.dueAt).toLocaleDateString()}.` : null,
        h('div', { class: 'muted' }, `Request ${request.id}`)))))
    : null;
  replace(container, h('h1', {}, 'Delete my data'),
    h('p', {}, 'Ask for your profile and your personal data to be removed from every part of ServiceDesk. An administrator approves the request; it is carried out within 30 days.'),
    list,
    open ? h('p', { class: 'notice' }, 'Your request is open: you can ask again once it has been decided.') : form);
}

export const customerRoutes = [
  { path: '/my-requests', menu: 'My requests', title: 'My requests', render: myRequestsPage },
  { pattern: /^\/tickets\/([^/]+)$/, title: 'Request', render: ticketPage },
  { path: '/raise', menu: 'Raise a request', title: 'Raise a request', render: (c) => newRequestPage(c, { forCustomer: session.account.customerId }) },
  { path: '/delete-my-data', menu: 'Delete my data', title: 'Delete my data', render: deleteMyDataPage },
];
