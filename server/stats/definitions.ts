/**
 * The definition of every published figure: the single source for the OpenAPI descriptions, the definitions
 * endpoint and the analytics pages. Bump DEFINITIONS_VERSION whenever a definition changes meaning.
 */
export const DEFINITIONS_VERSION = '1.0';

/** Cells counting fewer learners than this (but more than none) are suppressed. */
export const MIN_CELL = 10;

export const SUPPRESSION_RULE =
  `Every count from 1 to ${MIN_CELL - 1} learners is suppressed: in JSON its value is null and its name is listed in ` +
  'the row\'s `suppressed` array; in CSV the cell reads "suppressed". Zero is shown (it describes no learner). ' +
  'Secondary suppression: wherever published figures add up (currently enrolled + unenrolled = enrolments, shows + no-shows = enrolments, ' +
  'courses = their institution, institutions and courses without one = the platform, breakdown categories = their row, months = the period), ' +
  'a group never has exactly one suppressed cell: the smallest other non-zero part is suppressed as well, so no suppressed cell can be ' +
  'recovered by subtracting. Secondary suppressions are marked the same way. Rates are null when their numerator or denominator is ' +
  'suppressed. The groups are solved together for one period across all endpoints, so the same period gives the same cells everywhere; ' +
  'comparing different periods can still narrow a cell down, which is why periods are whole months only.';

export const PERIOD_RULE =
  'A period is a range of whole calendar months (UTC), `from` and `to` inclusive, written YYYY-MM; without them, all months with data ' +
  'up to the current one. Period figures describe the cohort of enrolments made in the period, followed up to now: shows, completions ' +
  'and certificates of that cohort may have happened after the period ends. Active learners are the exception: they are counted by ' +
  'activity inside the period.';

export const LEARNERS_RULE =
  'Only learners count: an enrolment by one of the course\'s own staff (its lecturers, the administrators of its institution, platform ' +
  'administrators) is never counted, nor is their progress. Only courses in the catalogue count (published, or archived after having ' +
  'been published, and listed); a learner\'s country and home institution are what the learner declared in their profile, if anything.';

export const FIGURES = {
  enrolments: 'Enrolments made in the period (one per learner and course; re-enrolling after unenrolling is the same enrolment).',
  currentlyEnrolled: 'Of those enrolments, the ones still active now.',
  unenrolled: 'Of those enrolments, the ones the learner has since ended (unenrolled). currentlyEnrolled + unenrolled = enrolments.',
  uniqueLearners: 'Distinct learners with at least one enrolment in the period (a learner in three courses counts once for the institution and the platform).',
  newLearners: 'Learners whose very first enrolment on the platform (in a catalogue course) falls in the period, counted at the course of that first enrolment.',
  shows: 'Enrolments of the period whose learner opened at least one lesson of the course (at any time since).',
  noShows: 'Enrolments of the period whose learner never opened a lesson of the course. shows + noShows = enrolments.',
  activeLearners:
    'Distinct learners with at least one learning event in the period: enrolling, opening a lesson, progress on a lesson (its latest update), completing a lesson or the course, starting or submitting a quiz attempt.',
  completions: 'Enrolments of the period whose learner has completed the course (every required lesson done), at any time since.',
  completionRateOfShows: 'completions / shows, from 0 to 1; null when shows is 0 or either figure is suppressed.',
  completionRateOfEnrolments: 'completions / enrolments, from 0 to 1; null when enrolments is 0 or either figure is suppressed.',
  certificates:
    'Enrolments of the period whose learner was issued a credential for the course (confirmation of participation or record of achievement; revoked ones are not counted). 0 where the course awards none.',
} as const;
export type FigureName = keyof typeof FIGURES;

export const COUNT_FIGURES = ['enrolments', 'currentlyEnrolled', 'unenrolled', 'uniqueLearners', 'newLearners', 'shows', 'noShows', 'activeLearners', 'completions', 'certificates'] as const;
export type CountFigure = (typeof COUNT_FIGURES)[number];
export const RATE_FIGURES = ['completionRateOfShows', 'completionRateOfEnrolments'] as const;
/** Figures that add up over courses (and so over institutions): the others count distinct learners. */
export const ADDITIVE_FIGURES = ['enrolments', 'currentlyEnrolled', 'unenrolled', 'newLearners', 'shows', 'noShows', 'completions', 'certificates'] as const;

export const BREAKDOWN_FIGURES = ['enrolments', 'shows', 'completions'] as const;
export type BreakdownFigure = (typeof BREAKDOWN_FIGURES)[number];
export const BREAKDOWN_RULE =
  `Breakdowns by declared country (ISO 3166-1 alpha-2) and declared home institution (free text, grouped regardless of case and spacing) ` +
  `of the enrolments, shows and completions of a row. A value is listed on its own when at least ${MIN_CELL} learners of the period ` +
  'declared it across the platform; all rarer values are added up under "other", and learners who declared nothing under "notDeclared", ' +
  'so the categories of a row add up to the row.';

export const SERIES = {
  enrolments: 'Enrolments made in the month.',
  newLearners: 'Learners whose first enrolment on the platform was made in the month.',
  activeLearners: 'Distinct learners with at least one learning event in the month (see activeLearners).',
  completions: 'Courses completed in the month (by the date of completion, whatever the enrolment month).',
  unenrolments: 'Enrolments ended in the month (and not resumed since).',
  certificates: 'Learner enrolments whose first credential for the course was issued in the month.',
} as const;
export const SERIES_FIGURES = ['enrolments', 'newLearners', 'activeLearners', 'completions', 'unenrolments', 'certificates'] as const;
export type SeriesFigure = (typeof SERIES_FIGURES)[number];
export const ADDITIVE_SERIES = ['enrolments', 'newLearners', 'completions', 'unenrolments', 'certificates'] as const;
