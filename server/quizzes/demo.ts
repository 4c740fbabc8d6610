import { randomUUID } from 'node:crypto';
import { eq, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { lessons, modules } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { QuestionInput } from './schema.ts';
import { createQuizService } from './service.ts';

/** One question of every type, in the language mix a Flemish course really has. */
export const DEMO_QUESTIONS: QuestionInput[] = [
  {
    type: 'single',
    title: 'Mediaan',
    text: 'Welke maat van centrale ligging is het **minst gevoelig** voor uitschieters?',
    choices: [
      { text: 'De mediaan', correct: true, feedback: 'Juist: één extreme waarde verschuift de middelste waarde nauwelijks.' },
      { text: 'Het rekenkundig gemiddelde', correct: false, feedback: 'Eén uitschieter trekt het gemiddelde mee.' },
      { text: 'Het bereik', correct: false, feedback: 'Het bereik is een spreidingsmaat, en net heel gevoelig voor uitschieters.' },
    ],
    explanation: 'De mediaan hangt alleen af van de *volgorde* van de waarnemingen, niet van hun grootte.',
  },
  {
    type: 'multiple',
    title: 'Spreidingsmaten',
    text: 'Which of these are measures of **spread**? Select all that apply.',
    scoring: 'partial',
    choices: [
      { text: 'Standard deviation', correct: true },
      { text: 'Interquartile range', correct: true },
      { text: 'Mode', correct: false, feedback: 'The mode is a measure of central tendency.' },
      { text: 'Variance', correct: true },
    ],
    explanation: 'Spread (spreiding) describes how far observations lie from each other or from the centre.',
  },
  {
    type: 'trueFalse',
    title: 'Correlatie',
    text: 'Een correlatiecoëfficiënt van −0,9 wijst op een **zwak** verband.',
    answer: false,
    feedbackTrue: 'Nee: het teken geeft de richting, de absolute waarde de sterkte. |−0,9| is een sterk verband.',
    feedbackFalse: 'Klopt: het is een sterk, negatief verband.',
  },
  {
    type: 'numeric',
    title: 'Gemiddelde',
    text: 'Wat is het gemiddelde van 2, 4, 4, 5 en 10? Geef je antwoord als getal.',
    answers: [
      { value: 5, feedback: 'Juist: (2 + 4 + 4 + 5 + 10) / 5 = 5.' },
      { value: 4, credit: 0, feedback: 'Dat is de mediaan (en de modus), niet het gemiddelde.' },
    ],
    wrongFeedback: 'Tel alle waarden op en deel door het aantal waarden.',
  },
  {
    type: 'text',
    title: 'Steekproef',
    text: 'Hoe noem je de deelverzameling van een populatie die je effectief onderzoekt? (één woord)',
    answers: [{ text: 'steekproef', feedback: 'Juist.' }, { text: 'sample', credit: 50, feedback: 'That is the English word; in het Nederlands: steekproef.' }],
  },
  {
    type: 'ordering',
    title: 'Onderzoekscyclus',
    text: 'Put the steps of a statistical study in order.',
    scoring: 'adjacent',
    items: [{ text: 'Formulate a question' }, { text: 'Collect data' }, { text: 'Analyse the data' }, { text: 'Draw a conclusion' }],
  },
  {
    type: 'matching',
    title: 'Meetniveaus',
    text: 'Koppel elke variabele aan haar meetniveau.',
    pairs: [
      { left: 'Postcode', right: 'nominaal' },
      { left: 'Opleidingsniveau', right: 'ordinaal' },
      { left: 'Temperatuur in °C', right: 'interval' },
      { left: 'Lengte in cm', right: 'ratio' },
    ],
    explanation: 'Van nominaal naar ratio neemt de informatie toe: volgorde, gelijke afstanden, een echt nulpunt.',
  },
];

/**
 * Adds a quiz lesson with one question of every type at the end of a module of the demo course. Call it from
 * the courses demo seed once the module exists, e.g. `addDemoQuiz({ db, clock, moduleId })`.
 */
export function addDemoQuiz(opts: { db: Db; clock: Clock; moduleId: string; title?: string }): { lessonId: string } {
  const { db, clock, moduleId } = opts;
  const module = db.select({ courseId: modules.courseId }).from(modules).where(eq(modules.id, moduleId)).get();
  if (!module) throw new Error(`addDemoQuiz: no module ${moduleId}`);
  const lessonId = randomUUID();
  const now = clock();
  db.transaction((tx) => {
    const last = tx.select({ p: max(lessons.position) }).from(lessons).where(eq(lessons.moduleId, moduleId)).get()?.p ?? -1;
    tx.insert(lessons)
      .values({
        id: lessonId,
        moduleId,
        courseId: module.courseId,
        title: opts.title ?? 'Toets: test je kennis',
        kind: 'quiz',
        estimatedMinutes: 10,
        position: last + 1,
        body: 'Zeven vragen, één van elk type. Je mag zo vaak oefenen als je wilt; na elke poging zie je de feedback.',
        createdAt: now,
        updatedAt: now,
      })
      .run();
  });
  createQuizService({ db, clock }).replaceQuiz(lessonId, {
    settings: { passMark: 60, maxAttempts: null, shuffleChoices: true, mode: 'practice', reveal: 'afterEachAttempt' },
    questions: DEMO_QUESTIONS,
  });
  return { lessonId };
}
