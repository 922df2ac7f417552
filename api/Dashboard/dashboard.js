// The dashboard: every number comes from the JSON API of the same origin, read with the visitor's key (kept in
// sessionStorage, so only for this tab). Data is written with textContent only, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const KeyStorage = 'collaboration.statsKey';
const RefreshMs = 10000;
const Tiers = ['creators', 'editors', 'audience', 'inactive'];
const Reference = { creators: 0.01, editors: 0.09, audience: 0.90 };
// Okabe-Ito colours: told apart under the common kinds of colour blindness.
const Colours = { creators: '#D55E00', editors: '#0072B2', audience: '#009E73', inactive: '#999999', reference: '#E69F00', prior: '#000000' };

const state = { key: sessionStorage.getItem(KeyStorage), charts: {}, busy: false, again: false, following: null, followers: null, ideaId: null };

class NeedsKey extends Error {}

function asOf() {
  const value = $('asOf').value;
  if (!value) return null;
  return (value.length === 16 ? value + ':00' : value) + 'Z';
}

function params(values) {
  const p = new URLSearchParams(values);
  const at = asOf();
  if (at) p.set('asOf', at);
  return p.toString();
}

const windowValue = () => $('window').value;
const byValue = () => $('by').value;

// The API reads behind each table; the CSV buttons ask the same path for text/csv.
const Sources = {
  participation: () => `/v1/stats/participation?${params({ window: windowValue(), by: byValue() })}`,
  daily: () => `/v1/stats/participation/daily?${params({ days: 180 })}`,
  ties: () => `/v1/stats/ties?${params({ window: windowValue(), by: byValue() })}`,
  matrix: () => `/v1/stats/ties/matrix?${params({ window: windowValue(), by: byValue() })}`,
  top: () => `/v1/stats/ideas/top?${params({ window: windowValue(), sort: 'reach', limit: 10 })}`,
  funnel: () => `/v1/stats/funnel?${params({ window: windowValue() })}`,
  contributors: () => `/v1/stats/ideas/${encodeURIComponent(state.ideaId)}/contributors?${params({ window: windowValue(), by: byValue() })}`,
};

async function api(path, accept = 'application/json') {
  const headers = { Accept: accept };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  const response = await fetch(path, { headers });
  if (response.status === 401 || response.status === 403) {
    $('keyForm').hidden = false;
    throw new NeedsKey(response.status === 401 ? 'An API key is needed.' : 'This key lacks the stats:read scope.');
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = Object.entries(problem.errors ?? {}).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ') || problem.title;
    } catch { /* not a problem document */ }
    throw new Error(`${response.status} ${detail}`);
  }
  return accept === 'text/csv' ? response.text() : response.json();
}

const percent = (value) => (value === null || value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)}%`);
const number = (value) => (value === null || value === undefined ? '–' : Number(value).toLocaleString('en-US'));
const index = (value) => (value === null || value === undefined ? '–' : value.toFixed(2));

function cell(row, text, header = false) {
  const element = document.createElement(header ? 'th' : 'td');
  if (header) element.scope = 'row';
  element.textContent = text;
  row.appendChild(element);
  return element;
}

// The rows' first values are their headers unless rowHeaders is false; a value may be an element (a button).
function fill(tableId, rows, rowHeaders = true) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows.map((values) => {
    const row = document.createElement('tr');
    values.forEach((value, i) => (value instanceof Node ? row.appendChild(document.createElement('td')).appendChild(value) : cell(row, value, rowHeaders && i === 0)));
    return row;
  }));
}

function chart(id, config) {
  if (!window.Chart) return;
  const existing = state.charts[id];
  if (existing) {
    existing.data = config.data;
    existing.update('none');
    return;
  }
  state.charts[id] = new window.Chart($(id), { ...config, options: { animation: false, maintainAspectRatio: false, ...config.options } });
}

function renderPyramid(p) {
  const active = p.users - p.inactive;
  fill('pyramidTable', Tiers.map((tier) => [
    tier, number(p[tier]), percent(p.users ? p[tier] / p.users : null),
    tier === 'inactive' ? '–' : percent(active ? p[tier] / active : null),
    tier === 'inactive' ? '–' : percent(Reference[tier]),
  ]).concat([['all users', number(p.users), percent(p.users ? 1 : null), '–', '–']]));
  const tiers = Tiers.slice(0, 3);
  chart('pyramidChart', {
    type: 'bar',
    data: {
      labels: tiers,
      datasets: [
        { label: 'this company, % of active users', data: tiers.map((t) => (active ? (100 * p[t]) / active : 0)), backgroundColor: tiers.map((t) => Colours[t]) },
        { label: '1-9-90 reference', data: tiers.map((t) => 100 * Reference[t]), backgroundColor: Colours.reference },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 100, title: { display: true, text: '% of active users' } } } },
  });
  const groups = [{ key: '(all)', users: p.users, creators: p.creators, editors: p.editors, audience: p.audience, inactive: p.inactive }, ...(p.groups ?? [])];
  fill('groupsTable', groups.map((g) => [g.key, number(g.users), number(g.creators), number(g.editors), number(g.audience), number(g.inactive),
    percent(g.users ? (g.users - g.inactive) / g.users : null)]));
  chart('groupsChart', {
    type: 'bar',
    data: {
      labels: groups.map((g) => g.key),
      datasets: Tiers.map((tier) => ({ label: tier, data: groups.map((g) => (g.users ? (100 * g[tier]) / g.users : 0)), backgroundColor: Colours[tier] })),
    },
    options: { indexAxis: 'y', scales: { x: { stacked: true, min: 0, max: 100, title: { display: true, text: "% of the group's users" } }, y: { stacked: true } } },
  });
}

function renderTrend(daily) {
  const days = daily.days;
  const current = days.slice(-90);
  const prior = days.slice(0, days.length - current.length);
  const priorActive = current.map((_, i) => prior[i - (current.length - prior.length)]?.active ?? null);
  const mean = (list) => (list.length ? list.reduce((sum, d) => sum + d.active, 0) / list.length : null);
  const [now, before] = [mean(current), mean(prior)];
  $('trendSummary').textContent = `Mean daily active users: ${now === null ? '–' : now.toFixed(1)} in the last ${current.length} days, ` +
    `${before === null ? '–' : before.toFixed(1)} in the ${prior.length} before` +
    (now !== null && before ? ` (${now >= before ? '+' : ''}${(100 * (now / before - 1)).toFixed(1)}%).` : '.');
  fill('trendTable', days.map((d) => [d.day, number(d.active), number(d.creators), number(d.editors), number(d.audience)]));
  const line = (label, data, colour, dash) => ({ label, data, borderColor: colour, backgroundColor: colour, borderDash: dash ?? [], pointRadius: 0, borderWidth: 2 });
  chart('trendChart', {
    type: 'line',
    data: {
      labels: current.map((d) => d.day),
      datasets: [
        line('active', current.map((d) => d.active), Colours.inactive),
        line('creators', current.map((d) => d.creators), Colours.creators),
        line('editors', current.map((d) => d.editors), Colours.editors),
        line('audience', current.map((d) => d.audience), Colours.audience),
        line('active, the 90 days before', priorActive, Colours.prior, [6, 4]),
      ],
    },
    options: { interaction: { mode: 'index', intersect: false }, scales: { y: { beginAtZero: true } } },
  });
}

function renderTies(t) {
  $('eiSummary').textContent = `E-I index ${index(t.eiIndex)} over ${number(t.ties)} ties (${number(t.external)} external, ${number(t.internal)} internal); ` +
    `mean breadth ${index(t.meanBreadth)} other groups per tied user.`;
  // The (all) row first, as in the CSV.
  fill('eiTable', [{ key: '(all)', external: t.external, internal: t.internal, eiIndex: t.eiIndex }, ...t.groups]
    .map((g) => [g.key, number(g.external + g.internal), number(g.external), number(g.internal), index(g.eiIndex)]));
  chart('eiChart', {
    type: 'bar',
    data: { labels: t.groups.map((g) => g.key), datasets: [{ label: 'E-I index', data: t.groups.map((g) => g.eiIndex), backgroundColor: Colours.editors }] },
    options: { scales: { y: { min: -1, max: 1 } } },
  });
}

function renderMatrix(m) {
  const table = $('matrixTable');
  const head = document.createElement('tr');
  cell(head, 'from \\ to', true).scope = 'col';
  m.groups.forEach((g) => { cell(head, g.key, true).scope = 'col'; });
  table.tHead.replaceChildren(head);
  const most = Math.max(1, ...m.cells.map((c) => c.ties));
  table.tBodies[0].replaceChildren(...m.groups.map((from, i) => {
    const row = document.createElement('tr');
    cell(row, from.key, true);
    m.cells.slice(i * m.groups.length, (i + 1) * m.groups.length).forEach((c) => {
      const td = cell(row, number(c.ties));
      const share = c.ties / most;
      td.style.backgroundColor = `rgba(0, 114, 178, ${share.toFixed(3)})`;
      td.classList.toggle('dark', share > 0.55);
      td.title = `${c.from} to ${c.to}: ${c.ties} ties`;
    });
    return row;
  }));
}

function button(text, label, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'link';
  element.textContent = text;
  element.setAttribute('aria-label', label);
  element.addEventListener('click', onClick);
  return element;
}

function renderTop(top) {
  fill('topTable', top.ideas.map((i) => [
    button(i.ideaId, `Open idea ${i.ideaId}`, () => openIdea(i.ideaId)), i.title ?? '', i.ownerId ? button(i.ownerId, `Open user ${i.ownerId}`, () => openUser(i.ownerId)) : '',
    number(i.views), number(i.reach.contributors), number(i.reach.countries), i.reach.criticalMass ? 'yes' : 'no',
  ]));
}

function renderFunnel(f) {
  const tiers = ['inactive', 'audience', 'editor', 'creator'];
  fill('funnelTable', tiers.map((from) => [from, ...tiers.map((to) => number(f.moves[from][to]))]));
  // Promoted: a higher tier now than before; dropped out: active before, inactive now.
  const promoted = tiers.reduce((sum, from, i) => sum + tiers.slice(i + 1).reduce((s2, to) => s2 + f.moves[from][to], 0), 0);
  const droppedOut = tiers.slice(1).reduce((sum, from) => sum + f.moves[from].inactive, 0);
  $('funnelSummary').textContent = `${number(promoted)} users moved up a tier (reading to contributing to creating) and ${number(droppedOut)} dropped out (active in the previous window, inactive in this one).`;
}

// One read of every view at a time; a change of the controls during a read starts another when it ends, so the
// page always ends up showing the controls' latest values (and says which in body[data-shown]).
async function refresh() {
  if (state.busy) {
    state.again = true;
    return;
  }
  state.busy = true;
  document.body.dataset.busy = 'true';
  const [span, by, at] = [windowValue(), byValue(), asOf()];
  try {
    const [participation, daily, ties, matrix, top, funnel] = await Promise.all(
      ['participation', 'daily', 'ties', 'matrix', 'top', 'funnel'].map((name) => api(Sources[name]())));
    document.querySelectorAll('.by-name').forEach((element) => { element.textContent = by; });
    renderPyramid(participation);
    renderTrend(daily);
    renderTies(ties);
    renderMatrix(matrix);
    renderTop(top);
    renderFunnel(funnel);
    $('keyForm').hidden = true;
    document.body.dataset.shown = `${span}|${by}|${at ?? ''}`;
    $('status').textContent = `Updated ${new Date().toISOString().slice(11, 19)} UTC, ${span} window ending ${at ?? 'now'}` +
      ($('autoRefresh').checked ? '; refreshes every 10 s.' : '.');
  } catch (error) {
    $('status').textContent = error instanceof NeedsKey ? error.message : `Could not load the dashboard: ${error.message}`;
  } finally {
    state.busy = false;
    document.body.dataset.busy = 'false';
    if (state.again) {
      state.again = false;
      refresh();
    }
  }
}

// A paged list (followers, following): the first page, then more on request.
function pager(tableId, moreId, path, toRow) {
  const list = { cursor: null, rows: [] };
  list.next = async () => {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${separator}limit=20${list.cursor ? `&cursor=${encodeURIComponent(list.cursor)}` : ''}`);
    list.rows.push(...page.items.map(toRow));
    list.cursor = page.nextCursor;
    fill(tableId, list.rows);
    $(moreId).hidden = !list.cursor;
  };
  return list;
}

const definition = (list, pairs) => list.replaceChildren(...pairs.flatMap(([term, value]) => {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  return [dt, dd];
}));

async function openIdea(ideaId) {
  try {
    state.ideaId = ideaId;
    const [idea, contributors] = await Promise.all([api(`/v1/ideas/${encodeURIComponent(ideaId)}?window=${windowValue()}`), api(Sources.contributors())]);
    $('idea-title').textContent = `Idea ${idea.ideaId}: ${idea.title ?? '(no title)'}`;
    const reach = idea.reach;
    definition($('ideaFacts'), [
      ['owner', idea.ownerId ?? 'unknown'], ['tags', idea.tags.join(', ') || 'none'], ['created', idea.createdAt ?? '–'],
      ['followers', number(idea.followers)], ['threads', number(idea.threads)],
      [`contributors (${windowValue()})`, reach ? number(reach.contributors) : '–'], [`countries of contributors (${windowValue()})`, reach ? number(reach.countries) : '–'],
      ['cross-border share', reach ? percent(reach.crossBorderShare) : '–'], ['critical mass', reach ? (reach.criticalMass ? 'yes' : 'no') : '–'],
    ]);
    // The (all) row first, as in the CSV.
    fill('contributorsTable', [{ key: '(all)', users: contributors.users, contributors: contributors.contributors }, ...contributors.groups]
      .map((g) => [g.key, number(g.users), number(g.contributors)]));
    fill('participantsTable', [[number(idea.participants.creators), number(idea.participants.editors), number(idea.participants.audience)]], false);
    state.followers = pager('followersTable', 'followersMore', `/v1/ideas/${encodeURIComponent(ideaId)}/followers`, (userId) => [userId]);
    await state.followers.next();
    $('ideaView').hidden = false;
    $('ideaView').focus();
  } catch (error) {
    $('status').textContent = `Could not open idea ${ideaId}: ${error.message}`;
  }
}

async function openUser(userId) {
  $('userId').value = userId;
  try {
    const user = await api(`/v1/users/${encodeURIComponent(userId)}?window=${windowValue()}`);
    const counts = Object.entries(user.counts).filter(([, n]) => n > 0).map(([type, n]) => `${type} ${n}`).join(', ') || 'none';
    const breadth = user.breadth ? Object.entries(user.breadth).map(([dimension, n]) => `${dimension} ${n}`).join(', ') : '–';
    definition($('userFacts'), [
      ['user', user.userId], ['tier', user.tier], ['window', user.window], ['country', user.country ?? 'unknown'], ['function', user.function ?? 'unknown'],
      ['department', user.department ?? 'unknown'], [`events (${user.window})`, counts], ['breadth (other groups reached)', breadth],
      ['following', number(user.following)], ['last active', user.lastActiveAt ?? '–'],
    ]);
    state.following = pager('followingTable', 'followingMore', `/v1/users/${encodeURIComponent(userId)}/following`,
      (f) => [button(f.ideaId, `Open idea ${f.ideaId}`, () => openIdea(f.ideaId)), f.followedAt ?? '–', f.lastActivityAt ?? '–', f.lastSeenAt ?? '–']);
    await state.following.next();
    $('userDetails').hidden = false;
    $('userDetails').focus();
  } catch (error) {
    $('status').textContent = `Could not open user ${userId}: ${error.message}`;
  }
}

// A table without an API CSV of its own is written as shown, quoted as RFC 4180 says.
function tableCsv(tableId) {
  const quote = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return [...$(tableId).rows].map((row) => [...row.cells].map((c) => quote(c.textContent)).join(',')).join('\r\n') + '\r\n';
}

async function download(name) {
  try {
    const text = name.startsWith('table:') ? tableCsv(name.slice('table:'.length)) : await api(Sources[name](), 'text/csv');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    link.download = `${name.replace('table:', '')}-${windowValue()}-${byValue()}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  } catch (error) {
    $('status').textContent = `Could not download ${name}: ${error.message}`;
  }
}

function start() {
  if (!window.Chart) $('chartsMissing').hidden = false;
  document.querySelectorAll('[data-csv]').forEach((b) => b.addEventListener('click', () => download(b.dataset.csv)));
  ['window', 'by', 'asOf'].forEach((id) => $(id).addEventListener('change', refresh));
  $('controls').addEventListener('submit', (event) => { event.preventDefault(); refresh(); });
  $('keyForm').addEventListener('submit', (event) => {
    event.preventDefault();
    state.key = $('key').value.trim();
    sessionStorage.setItem(KeyStorage, state.key);
    $('key').value = '';
    refresh();
  });
  $('userForm').addEventListener('submit', (event) => { event.preventDefault(); openUser($('userId').value.trim()); });
  $('ideaClose').addEventListener('click', () => { $('ideaView').hidden = true; });
  $('followersMore').addEventListener('click', () => state.followers?.next());
  $('followingMore').addEventListener('click', () => state.following?.next());
  setInterval(() => { if ($('autoRefresh').checked && !document.hidden) refresh(); }, RefreshMs);
  refresh();
}

start();
