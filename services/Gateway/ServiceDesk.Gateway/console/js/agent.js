// Agents (and admins): tickets, the new-request form, the customer directory.
import { get, post, query } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { newRequestPage, noProjects, projectSelect, ticketList, ticketPage, ticketsPage } from './common.js';
import { session, showError } from './app.js';
import { removalSection } from './admin.js';

async function customersPage(container) {
  if (!session.projects.length) return noProjects(container, 'Customers');
  const project = projectSelect('customers-project');
  const search = h('input', { id: 'customer-search', type: 'search', autocomplete: 'off', placeholder: 'Name or address' });
  const results = h('div', { 'aria-live': 'polite' });
  let sequence = 0;
  let timer = 0;

  const table = (customers) => customers.length
    ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Address'))),
      h('tbody', {}, customers.map((c) => h('tr', {},
        h('td', {}, h('a', { href: `#/customers/${encodeURIComponent(c.customerId ?? c.id)}` }, c.displayName)),
        h('td', {}, c.address))))))
    : h('p', { class: 'muted' }, 'No customer found.');

  async function show() {
    const mine = ++sequence;
    const text = search.value.trim();
    try {
      const found = text
        ? (await post('/api/v1/customers/suggestions', { projectKey: project.value, text, limit: 20 })).items
        : (await get(`/api/v1/customers${query({ projectKey: project.value, pageSize: 50 })}`)).items;
      if (mine === sequence) replace(results, table(found));
    } catch (error) {
      if (mine === sequence) showError(error);
    }
  }

  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(show, 200); });
  project.addEventListener('change', show);
  replace(container, h('h1', {}, 'Customers'),
    h('div', { class: 'row' }, h('label', { for: 'customers-project' }, 'Project', project), h('label', { for: 'customer-search' }, 'Search', search)),
    results);
  await show();
}

async function customerPage(container, customerId) {
  const customer = await get(`/api/v1/customers/${encodeURIComponent(customerId)}`);
  const tickets = h('div');
  replace(container,
    h('h1', {}, customer.displayName),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Address'), h('dd', {}, customer.address),
      h('dt', {}, 'Projects'), h('dd', {}, customer.projectKeys.join(', ') || '—'),
      h('dt', {}, 'Customer since'), h('dd', {}, formatTime(customer.createdAt))),
    h('h2', {}, 'Requests reported'), tickets,
    session.account.role === 'admin' ? removalSection(customer) : null);
  const project = customer.projectKeys.find((key) => session.projects.some((p) => p.key === key));
  if (project) await ticketList(tickets, { projectKey: project, reporterCustomerId: customer.id });
  else replace(tickets, h('p', { class: 'muted' }, 'None in your projects.'));
}

export const agentRoutes = [
  { path: '/tickets', menu: 'Tickets', title: 'Tickets', render: ticketsPage },
  { pattern: /^\/tickets\/([^/]+)$/, title: 'Ticket', render: ticketPage },
  { path: '/new-request', menu: 'New request', title: 'New request', render: (c) => newRequestPage(c) },
  { path: '/customers', menu: 'Customers', title: 'Customers', render: customersPage },
  { pattern: /^\/customers\/([^/]+)$/, title: 'Customer', render: customerPage },
];
