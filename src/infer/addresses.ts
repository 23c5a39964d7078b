/**
 * Addresses the logs tie to one node, so a peer named by address (`sent … to 10.0.0.8:7000`,
 * `received … from /10.0.0.8`) is that node. Two ties, both from the logs alone:
 *
 * - a host name whose first label is a node's name (`node-c.prod.internal:7000` → node-c);
 * - a node's own address: a template slot where every node logging it (three at least) logs one
 *   host only, no two nodes the same one, and the word before it is no peer word (`Listening on
 *   10.0.0.7:7000`, `Starting gossip on /10.0.0.7`; not `Connected to …`, `from …`, `with …`).
 *
 * A host tied to two nodes is tied to none. Hosts compare without port and leading `/`.
 */
import { wordBefore } from './roles.js';

/** What a slot of a template holds on each node: its hosts (address values, normalised). */
export interface AddressSlot {
  templateId: number;
  template: string;
  param: number;
  /** node → the distinct hosts it logged in this slot */
  hosts: Map<string, Set<string>>;
}

const PEER_WORDS = new Set(['from', 'to', 'with', 'by', 'of', 'towards', 'into', 'onto', 'for', 'peer', 'remote', 'endpoint']);

/** `/10.0.0.7:7000` → `10.0.0.7`; `[::1]:9042` → `::1`; `node-c.internal:7000` → `node-c.internal`. */
export function addressHost(value: string): string {
  let v = value.replace(/^\/+/, '');
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (v6) return v6[1].toLowerCase();
  v = v.replace(/:\d{1,5}$/, '');
  return v.toLowerCase();
}

export interface AddressTies {
  /** host → the one node it is tied to */
  ties: Map<string, string>;
  /** `templateId/param` of the slots that hold each node's own address (no peers) */
  ownSlots: Set<string>;
}

export function tieAddresses(slots: readonly AddressSlot[], nodes: readonly string[]): AddressTies {
  const ownSlots = new Set<string>();
  const ties = new Map<string, Set<string>>();
  const tie = (host: string, node: string) => {
    const s = ties.get(host);
    if (s) s.add(node); else ties.set(host, new Set([node]));
  };
  const byLabel = new Map(nodes.map((n) => [n.toLowerCase(), n]));
  for (const slot of slots) {
    for (const hosts of slot.hosts.values()) {
      for (const h of hosts) {
        const node = byLabel.get(h.split('.')[0]);
        if (node !== undefined && h.includes('.')) tie(h, node);
      }
    }
    if (slot.hosts.size < 3 || PEER_WORDS.has(wordBefore(slot.template, slot.param))) continue;
    const own = [...slot.hosts.entries()];
    if (!own.every(([, hs]) => hs.size === 1)) continue;
    const hosts = own.map(([, hs]) => [...hs][0]);
    if (new Set(hosts).size !== hosts.length) continue;
    for (const [node, hs] of own) tie([...hs][0], node);
    ownSlots.add(`${slot.templateId}/${slot.param}`);
  }
  const out = new Map<string, string>();
  for (const [host, ns] of ties) if (ns.size === 1) out.set(host, [...ns][0]);
  return { ties: out, ownSlots };
}
