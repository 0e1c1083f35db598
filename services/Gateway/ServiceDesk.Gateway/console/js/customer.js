// Customers (the portal): their own requests, raising one, asking for their data to be deleted.
import { post } from './api.js';
import { h, replace } from './dom.js';
import { newRequestPage, noProjects, ticketList, ticketPage } from './common.js';
import { session, submitting } from './app.js';

async function myRequestsPage(container) {
  if (!session.projects.length) return noProjects(container, 'My requests');
  const sections = session.projects.map((project) => ({ project, list: h('div') }));
  replace(container, h('h1', {}, 'My requests'),
    sections.map(({ project, list }) => h('section', {}, h('h2', {}, project.name), list)));
  for (const { project, list } of sections) await ticketList(list, { projectKey: project.key });
}

function deleteMyDataPage(container) {
  const form = h('form', { 'aria-label': 'Delete my data' },
    h('fieldset', {}, h('legend', {}, 'What should happen to your requests?'),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'mode', value: 'anonymize', checked: true }), 'Keep them without my name and address'),
      h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'mode', value: 'purge' }), 'Delete the requests I raised as well')),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', id: 'confirm-delete', required: true }), 'I understand that this cannot be undone.'),
    h('button', { type: 'submit', class: 'danger' }, 'Delete my data'));
  const result = h('div', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const mode = form.querySelector('input[name="mode"]:checked').value;
    const request = await submitting(form, () => post('/api/v1/me/removal-request', { mode }));
    if (request) replace(result, h('p', { class: 'success' }, `Your request ${request.id} is recorded and waits for an administrator's approval (due by ${new Date(request.dueAt).toLocaleDateString()}).`));
  });
  replace(container, h('h1', {}, 'Delete my data'),
    h('p', {}, 'Ask for your profile and your personal data to be removed from every part of ServiceDesk. An administrator approves the request; it is carried out within 30 days.'),
    form, result);
}

export const customerRoutes = [
  { path: '/my-requests', menu: 'My requests', title: 'My requests', render: myRequestsPage },
  { pattern: /^\/tickets\/([^/]+)$/, title: 'Request', render: ticketPage },
  { path: '/raise', menu: 'Raise a request', title: 'Raise a request', render: (c) => newRequestPage(c, { forCustomer: session.account.customerId }) },
  { path: '/delete-my-data', menu: 'Delete my data', title: 'Delete my data', render: deleteMyDataPage },
];
