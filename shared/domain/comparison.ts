// Paired comparison of each candidate with the baseline, one stored result at a time (what ComputeMetrics streams):
// every measured criterion observes each answer, and the two answers to one prompt form a pair, overall and within
// the baseline's segment. Memory grows with the number of results by a few numbers each, not with their text.
import type { AnyCriterion, Comparison, CriterionContext, Pairing } from './criteria/index.js';
import type { ReplayResult } from './result.js';

type Observation = { values: unknown[]; segment: string | null; cluster: string };

function observe(criteria: readonly AnyCriterion[], r: ReplayResult, into?: Observation): Observation {
  const o = into ?? { values: new Array<unknown>(criteria.length), segment: null, cluster: '' };
  for (let i = 0; i < criteria.length; i++) o.values[i] = (criteria[i] as AnyCriterion).measure(r);
  o.segment = r.segment ?? null;
  o.cluster = r.conversation_id ?? r.capture_id;
  return o;
}

class Pairings {
  private readonly pairings: Pairing<unknown, unknown>[];
  constructor(private readonly criteria: readonly AnyCriterion[]) {
    this.pairings = criteria.map((c) => c.pair());
  }
  add(b: Observation, c: Observation): void {
    for (let i = 0; i < this.pairings.length; i++) {
      const vb = b.values[i];
      const vc = c.values[i];
      if (vb !== null && vb !== undefined && vc !== null && vc !== undefined) this.pairings[i]?.add(vb, vc, b.cluster);
    }
  }
  compare(model: string, ctx: CriterionContext): Comparison {
    const out: Record<string, unknown> = { model };
    this.criteria.forEach((c, i) => {
      out[c.key] = this.pairings[i]?.summarise(ctx) ?? null;
    });
    return out as Comparison;
  }
}

/** One candidate's pairs against the baseline, overall and per segment. */
export class CandidateComparison {
  private readonly overall: Pairings;
  private readonly bySegment = new Map<string, Pairings>();
  /** a candidate's observation is paired at once and not kept: one scratch object serves every result */
  private readonly scratch: Observation;
  constructor(
    private readonly criteria: readonly AnyCriterion[],
    private readonly baseline: ReadonlyMap<string, Observation>,
  ) {
    this.overall = new Pairings(criteria);
    this.scratch = { values: new Array<unknown>(criteria.length), segment: null, cluster: '' };
  }
  add(r: ReplayResult): void {
    const b = this.baseline.get(r.capture_id);
    if (!b) return;
    const c = observe(this.criteria, r, this.scratch);
    this.overall.add(b, c);
    if (b.segment === null) return;
    let seg = this.bySegment.get(b.segment);
    if (!seg) {
      seg = new Pairings(this.criteria);
      this.bySegment.set(b.segment, seg);
    }
    seg.add(b, c);
  }
  finish(model: string, ctx: CriterionContext): { overall: Comparison; segments: Map<string, Comparison> } {
    return { overall: this.overall.compare(model, ctx), segments: new Map([...this.bySegment].map(([s, p]) => [s, p.compare(model, ctx)])) };
  }
}

/** The baseline's observations by capture, then one CandidateComparison per candidate. */
export class RunComparison {
  private readonly baseline = new Map<string, Observation>();
  constructor(private readonly criteria: readonly AnyCriterion[]) {}
  addBaseline(r: ReplayResult): void {
    this.baseline.set(r.capture_id, observe(this.criteria, r));
  }
  candidate(): CandidateComparison {
    return new CandidateComparison(this.criteria, this.baseline);
  }
}
