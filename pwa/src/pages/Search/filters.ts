// The search screen's filters: what the form holds and the `SearchFilter` it asks for.
import type { RequestStatus, SearchFilter } from '../../graphql/gen/graphql';

export interface FilterForm {
  status: RequestStatus | '';
  channelId: string;
  classificationCode: string;
  unit: string;
  /** WIB calendar days, as `<input type="date">` gives them. */
  from: string;
  until: string;
}

export const NO_FILTERS: FilterForm = {
  status: '',
  channelId: '',
  classificationCode: '',
  unit: '',
  from: '',
  until: '',
};

const DAY_MS = 86_400_000;
const WIB_OFFSET_MS = 7 * 3_600_000;

/** The instant a WIB day starts (00:00 WIB is 17:00 UTC the day before); null for no date. */
function wibDayStart(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - WIB_OFFSET_MS);
}

/** The filter for the server: only what is set; `until` takes in the whole day. */
export function toSearchFilter(form: FilterForm): SearchFilter {
  const filter: SearchFilter = {};
  if (form.status) filter.statuses = [form.status];
  if (form.channelId) filter.channelIds = [form.channelId];
  if (form.classificationCode.trim()) filter.classificationCode = form.classificationCode.trim();
  if (form.unit.trim()) filter.unit = form.unit.trim();
  const from = wibDayStart(form.from);
  if (from) filter.submittedFrom = from.toISOString();
  const until = wibDayStart(form.until);
  if (until) filter.submittedUntil = new Date(until.getTime() + DAY_MS).toISOString();
  return filter;
}

/** How many filters are set, for the badge on the filter toggle. */
export function countFilters(form: FilterForm): number {
  return (Object.keys(form) as (keyof FilterForm)[]).filter((k) => form[k].trim() !== '').length;
}
