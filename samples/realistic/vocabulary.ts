/**
 * Vocabularies: the same pipeline worded by different software. Each gives the text of every step
 * with placeholders {k} (entity key), {id} (operation id), {n} (entity count), {v} (version),
 * {s} (repair session) and {peer} (another node), and the service's names (daemon, Java package,
 * data folder) that envelopes and noise lines use.
 */
import type { Step, VocabularyId } from './types.js';

export interface Service {
  daemon: string;
  javaRoot: string;
  version: string;
  dataDir: string;
  cluster: string;
}

export interface Vocabulary {
  id: VocabularyId;
  service: Service;
  text: Record<Step, string>;
}

export const VOCABULARIES: Record<VocabularyId, Vocabulary> = {
  tasks: {
    id: 'tasks',
    service: { daemon: 'ledgerd', javaRoot: 'org.ledger', version: '3.4.1', dataDir: '/var/lib/ledger/data', cluster: 'ledger-prod' },
    text: {
      'load.queued': 'Enqueued metadata load for {k} (task {id})',
      'load.started': 'Loading metadata for {k} (task {id})',
      'load.completed': 'Loaded metadata for {k}: {n} entities (task {id})',
      'write.queued': 'Enqueued derived write for {k} (task {id})',
      'write.started': 'Writing derived view for {k} (task {id})',
      'write.completed': 'Derived view for {k} written from {n} entities, version {v} (task {id})',
      publish: 'Published {k} version {v}',
      cache: 'Refreshed cache for {k}',
      quota: 'Checked quota for {k}',
      'repair.sent': 'Repair session {s}: sent {k} version {v} to {peer}',
      'repair.received': 'Repair session {s}: received {k} version {v} from {peer}',
      initialized: 'Initialized with metadata from {n} entities',
    },
  },
  jobs: {
    id: 'jobs',
    service: { daemon: 'projectord', javaRoot: 'io.projector', version: '2.11.0', dataDir: '/srv/projector/data', cluster: 'projector-eu' },
    text: {
      'load.queued': 'Scheduled snapshot fetch for {k} [job {id}]',
      'load.started': 'Fetching snapshot of {k} [job {id}]',
      'load.completed': 'Fetched snapshot of {k} with {n} records [job {id}]',
      'write.queued': 'Scheduled projection build for {k} [job {id}]',
      'write.started': 'Building projection for {k} [job {id}]',
      'write.completed': 'Projection for {k} built from {n} records at revision {v} [job {id}]',
      publish: 'Announced {k} at revision {v}',
      cache: 'Invalidated read cache for {k}',
      quota: 'Verified quota for {k}',
      'repair.sent': 'Anti-entropy {s}: streamed {k} revision {v} to {peer}',
      'repair.received': 'Anti-entropy {s}: accepted {k} revision {v} from {peer}',
      initialized: 'Bootstrapped with metadata from {n} records',
    },
  },
  calls: {
    id: 'calls',
    service: { daemon: 'materiad', javaRoot: 'dev.materia', version: '0.19.3', dataDir: '/data/materia', cluster: 'materia' },
    text: {
      'load.queued': 'queued refresh({k}) req={id}',
      'load.started': 'refresh({k}) started req={id}',
      'load.completed': 'refresh({k}) finished: {n} entities req={id}',
      'write.queued': 'queued materialize({k}) req={id}',
      'write.started': 'materialize({k}) started req={id}',
      'write.completed': 'materialize({k}) done: {n} entities -> v{v} req={id}',
      publish: 'publish({k}) v{v} ok',
      cache: 'cache.refresh({k}) ok',
      quota: 'quota.check({k}) ok',
      'repair.sent': 'repair {s}: pushed {k} v{v} to {peer}',
      'repair.received': 'repair {s}: pulled {k} v{v} from {peer}',
      initialized: 'init: loaded metadata for {n} entities',
    },
  },
  requests: {
    id: 'requests',
    service: { daemon: 'indexd', javaRoot: 'com.acme.index', version: '5.2.0', dataDir: '/var/lib/indexd', cluster: 'index-west' },
    text: {
      'load.queued': 'Submitted index sync for {k}, request id={id}',
      'load.started': 'Starting index sync for {k}, request id={id}',
      'load.completed': 'Finished index sync for {k} with {n} entries, request id={id}',
      'write.queued': 'Submitted summary rebuild for {k}, request id={id}',
      'write.started': 'Began summary rebuild for {k}, request id={id}',
      'write.completed': 'Completed summary rebuild for {k} from {n} entries, ver={v}, request id={id}',
      publish: 'Exposed {k} ver={v} to readers',
      cache: 'Cache warmed for {k}',
      quota: 'Quota verified for {k}',
      'repair.sent': 'Repair {s}: sent {k} ver={v} to {peer}',
      'repair.received': 'Repair {s}: got {k} ver={v} from {peer}',
      initialized: 'Initialized with metadata from {n} entries',
    },
  },
  ops: {
    id: 'ops',
    service: { daemon: 'derivd', javaRoot: 'net.derive', version: '1.8.7', dataDir: '/var/lib/derive', cluster: 'derive' },
    text: {
      'load.queued': 'op {id}: {k}: metadata load queued',
      'load.started': 'op {id}: {k}: metadata load started',
      'load.completed': 'op {id}: {k}: metadata load done, {n} entities',
      'write.queued': 'op {id}: {k}: derived write queued',
      'write.started': 'op {id}: {k}: derived write started',
      'write.completed': 'op {id}: {k}: derived write done from {n} entities, version {v}',
      publish: '{k}: published version {v}',
      cache: '{k}: cache refreshed',
      quota: '{k}: quota checked',
      'repair.sent': 'repair session {s}: {k}: streamed version {v} to {peer}',
      'repair.received': 'repair session {s}: {k}: pulled version {v} from {peer}',
      initialized: 'metadata initialized: {n} entities',
    },
  },
};

export const VOCABULARY_IDS = Object.keys(VOCABULARIES) as VocabularyId[];

export interface Vars {
  k?: string;
  id?: string;
  n?: number;
  v?: number;
  s?: string;
  peer?: string;
}

type Part = string | keyof Vars;
const compiled = new Map<string, Part[]>();

function parts(template: string): Part[] {
  let p = compiled.get(template);
  if (!p) {
    // split() with a capture group alternates literal, name, literal, …
    p = template.split(/\{(k|id|n|v|s|peer)\}/);
    compiled.set(template, p);
  }
  return p;
}

/** The text of a step with its variables filled in. */
export function fill(vocab: Vocabulary, step: Step, vars: Vars): string {
  const p = parts(vocab.text[step]);
  let out = p[0] as string;
  for (let i = 1; i < p.length; i += 2) {
    const v = vars[p[i] as keyof Vars];
    if (v === undefined) throw new Error(`vocabulary ${vocab.id}: ${step} needs {${p[i]}}`);
    out += String(v) + (p[i + 1] as string);
  }
  return out;
}

/** The template of a step, variable parts as `<*>`. */
export const templateOf = (vocab: Vocabulary, step: Step): string => vocab.text[step].replace(/\{(k|id|n|v|s|peer)\}/g, '<*>');
