import { SuperviseEventSchema } from '../../src/core/contracts/supervise';
import { defineActions } from '../_lib/runtime/define';
import { deployed } from '../_lib/runtime/deployed';
import { dashboard } from '../_lib/supervision/dashboard';
import { exportReport } from '../_lib/supervision/export-report';
import { liaisons, setLiaison } from '../_lib/supervision/liaisons';
import { monthly, submitMonthly } from '../_lib/supervision/monthly';
import { onlineCompletion } from '../_lib/supervision/online-completion';
import { progress } from '../_lib/supervision/progress';
import { addRecommendation, recommendations, removeRecommendation } from '../_lib/supervision/recommendations';

/** Supervision (issue 14): the official tables, the monthly cycle and the exports, national or for one's own province. */
export const handler = defineActions('supervise', SuperviseEventSchema, {
  progress: (event, ctx) => progress(ctx, ctx.caller, event.province, event.asOf),
  onlineCompletion: (event, ctx) => onlineCompletion(ctx, ctx.caller, event.province),
  monthly: (event, ctx) => monthly(ctx, ctx.caller, event.period, event.province),
  submitMonthly: (event, ctx) => submitMonthly(ctx, ctx.caller, event.period, event.province, event.reason),
  liaisons: (event, ctx) => liaisons(ctx, ctx.caller, event.province),
  setLiaison: (event, ctx) => setLiaison(ctx, ctx.caller, event.province, { name: event.name, position: event.position, landline: event.landline, mobile: event.mobile }),
  recommendations: (event, ctx) => recommendations(ctx, ctx.caller, event.province),
  addRecommendation: (event, ctx) => addRecommendation(ctx, ctx.caller, event.province, { kind: event.kind, centerCode: event.centerCode, title: event.title, summary: event.summary }),
  removeRecommendation: (event, ctx) => removeRecommendation(ctx, ctx.caller, event.id),
  dashboard: (event, ctx) => dashboard(ctx, ctx.caller, event.province),
  export: (event, ctx) => exportReport(ctx, ctx.caller, event),
});

export const main = deployed(handler);
