import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/index.ts';
import type { DemoContext } from '../demo/seed.ts';
import { createCourseService } from './service.ts';
import { createLessonService } from './lessons.ts';
import { createEnrolmentService } from './enrolment.ts';
import type { CreateCourseInput } from './schema.ts';

interface DemoCourse extends CreateCourseInput {
  modules: { title: string; lessons: { title: string; minutes: number; body: string; optional?: boolean }[] }[];
}

/** The demo course other features add their demo lessons to (a video, a quiz). */
export const DEMO_COURSE_SLUG = 'inleiding-open-leren';

const OPEN_LEARNING: DemoCourse = {
  slug: DEMO_COURSE_SLUG,
  title: 'Inleiding tot open leren / Introduction to open learning',
  summary: 'Wat open onderwijs is, waarom het ertoe doet en hoe je zelf open leermateriaal maakt en deelt. / What open education is and how to make and share open learning materials.',
  description: [
    'Deze cursus is **tweetalig**: elke les heeft een Nederlandse en een Engelse versie.',
    '',
    '## Wat je leert',
    '',
    '- wat *open* betekent in onderwijs: toegang, hergebruik en samenwerking;',
    '- hoe Creative Commons-licenties werken;',
    '- hoe je een open les opbouwt die anderen kunnen aanpassen.',
    '',
    'This course is **bilingual**: every lesson comes in Dutch and English.',
  ].join('\n'),
  languages: ['nl', 'en'],
  licence: 'CC-BY-4.0',
  workloadHours: 6,
  estimatedWeeks: 2,
  ects: 0,
  eqfLevel: 5,
  iscedCode: '0111',
  learningOutcomes: [
    'Uitleggen wat open onderwijs is / Explain what open education is',
    'Een passende open licentie kiezen / Choose a suitable open licence',
    'Een eigen open les publiceren / Publish an open lesson of your own',
  ],
  prerequisites: 'Geen voorkennis nodig. / No prior knowledge needed.',
  keywords: ['open onderwijs', 'open education', 'OER', 'Creative Commons', 'leren'],
  modules: [
    {
      title: 'Wat is open leren? / What is open learning?',
      lessons: [
        {
          title: 'Welkom / Welcome',
          minutes: 5,
          body: [
            '# Welkom bij open leren',
            '',
            'Fijn dat je er bent! In deze cursus ontdek je hoe onderwijs *open* kan zijn.',
            '',
            '## Zo werkt deze cursus',
            '',
            '1. Lees elke les in je eigen tempo.',
            '2. Probeer de opdrachten uit.',
            '3. Deel wat je maakt, als je wilt.',
            '',
            '> Open leren is leren zonder onnodige drempels.',
            '',
            '---',
            '',
            '# Welcome to open learning',
            '',
            'Glad you are here. Work through the lessons at your own pace: there are no deadlines.',
          ].join('\n'),
        },
        {
          title: 'De vijf R\'en / The five Rs',
          minutes: 10,
          body: [
            '## De vijf R\'en van open materiaal',
            '',
            'David Wiley beschreef wat je met open materiaal mag doen:',
            '',
            '| R | Nederlands | English |',
            '|---|------------|---------|',
            '| 1 | Behouden | Retain |',
            '| 2 | Hergebruiken | Reuse |',
            '| 3 | Herzien | Revise |',
            '| 4 | Remixen | Remix |',
            '| 5 | Herverdelen | Redistribute |',
            '',
            'Lees meer op [opencontent.org](https://opencontent.org/definition/).',
            '',
            '### Opdracht',
            '',
            '- Zoek één open leermiddel in jouw vakgebied.',
            '- Welke van de vijf R\'en staat de licentie toe?',
          ].join('\n'),
        },
        {
          title: 'Open versus gratis / Open versus free',
          minutes: 8,
          body: [
            '## Gratis is niet hetzelfde als open',
            '',
            'Een gratis video op een platform mag je vaak **niet** aanpassen of verder delen. Open materiaal wel.',
            '',
            '- *Gratis*: je betaalt niet om te kijken.',
            '- *Open*: je mag het ook bewerken en delen, onder voorwaarden.',
            '',
            '**In English:** free-to-view is not the same as open. Open means you may also change and share it.',
          ].join('\n'),
        },
      ],
    },
    {
      title: 'Licenties en delen / Licences and sharing',
      lessons: [
        {
          title: 'Creative Commons in vijf minuten / Creative Commons in five minutes',
          minutes: 12,
          body: [
            '## De bouwstenen',
            '',
            '| Code | Betekenis | Meaning |',
            '|------|-----------|---------|',
            '| BY | Naamsvermelding | Attribution |',
            '| SA | Gelijk delen | ShareAlike |',
            '| NC | Niet-commercieel | NonCommercial |',
            '| ND | Geen afgeleide werken | NoDerivatives |',
            '',
            'Leerpad gebruikt standaard **CC BY 4.0**. De licentiecode volgt de [SPDX-lijst](https://spdx.org/licenses/):',
            '',
            '```text',
            'CC-BY-4.0',
            'CC-BY-SA-4.0',
            '```',
          ].join('\n'),
        },
        {
          title: 'Naamsvermelding doen / Giving attribution',
          minutes: 6,
          body: [
            '## TASL: titel, auteur, bron, licentie',
            '',
            'Een goede naamsvermelding noemt vier dingen:',
            '',
            '1. **T**itel',
            '2. **A**uteur',
            '3. **S**ource (bron), met link',
            '4. **L**icentie, met link',
            '',
            'Voorbeeld in markdown:',
            '',
            '```markdown',
            '"Kaart van Gent" door An Peeters, via [Wikimedia](https://commons.wikimedia.org/), [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)',
            '```',
          ].join('\n'),
        },
        {
          title: 'Verder lezen / Further reading',
          minutes: 5,
          optional: true,
          body: [
            '## Bronnen / Resources',
            '',
            '- [UNESCO: Open Educational Resources](https://www.unesco.org/en/open-educational-resources)',
            '- [Creative Commons: licences](https://creativecommons.org/share-your-work/cclicenses/)',
            '- [OER Commons](https://oercommons.org/)',
          ].join('\n'),
        },
      ],
    },
  ],
};

const MORE: DemoCourse[] = [
  {
    slug: 'data-analyse-met-python',
    title: 'Data-analyse met Python',
    summary: 'Van spreadsheet naar inzicht: gegevens inlezen, opschonen en visualiseren met Python en pandas.',
    description: 'Een praktische inleiding voor wie al wat met spreadsheets werkt. We gebruiken **pandas** en **matplotlib**.',
    languages: ['nl'],
    workloadHours: 30,
    estimatedWeeks: 6,
    ects: 1,
    eqfLevel: 5,
    iscedCode: '0613',
    learningOutcomes: ['Een dataset inlezen en opschonen', 'Beschrijvende statistiek berekenen', 'Een heldere grafiek maken'],
    prerequisites: 'Basiskennis van spreadsheets.',
    keywords: ['python', 'pandas', 'data', 'statistiek', 'programmeren'],
    modules: [
      {
        title: 'Aan de slag',
        lessons: [
          {
            title: 'Je eerste notebook',
            minutes: 15,
            body: '## Installeren\n\n```bash\npython -m pip install pandas matplotlib\n```\n\nOpen daarna een notebook en typ:\n\n```python\nimport pandas as pd\nprint(pd.__version__)\n```',
          },
          { title: 'Gegevens inlezen', minutes: 20, body: '## CSV inlezen\n\n```python\ndf = pd.read_csv("weer.csv", sep=";")\ndf.head()\n```' },
        ],
      },
      {
        title: 'Analyseren',
        lessons: [{ title: 'Gemiddelden en spreiding', minutes: 25, body: '| Maat | pandas |\n|---|---|\n| gemiddelde | `df.mean()` |\n| mediaan | `df.median()` |\n| standaardafwijking | `df.std()` |' }],
      },
    ],
  },
  {
    slug: 'sustainable-cities',
    title: 'Sustainable Cities: an Introduction',
    summary: 'How cities can cut emissions, adapt to heat and floods, and stay good places to live.',
    description: 'Case studies from Ghent, Copenhagen and Rotterdam, with open data you can explore yourself.',
    languages: ['en'],
    workloadHours: 20,
    estimatedWeeks: 4,
    eqfLevel: 6,
    iscedCode: '0731',
    learningOutcomes: ['Describe the main levers of urban sustainability', 'Read a city climate plan critically'],
    keywords: ['urban planning', 'climate', 'mobility', 'sustainability'],
    modules: [
      {
        title: 'Cities and climate',
        lessons: [
          { title: 'Why cities matter', minutes: 10, body: '## More than half of us\n\nMore than half of the world\'s people live in cities, and cities use about **two thirds** of the world\'s energy.' },
          { title: 'The circulation plan of Ghent', minutes: 15, body: '## A case study\n\nIn 2017 Ghent split its centre into sectors that cars cannot cross directly.\n\n- fewer through trips\n- more cycling\n- quieter streets' },
        ],
      },
    ],
  },
  {
    slug: 'filosofie-van-de-wetenschap',
    title: 'Filosofie van de wetenschap',
    summary: 'Wat maakt kennis wetenschappelijk? Popper, Kuhn en de vragen die vandaag nog open liggen.',
    description: 'Een korte, toegankelijke cursus over de grote ideeën achter wetenschappelijke kennis.',
    languages: ['nl', 'en'],
    workloadHours: 12,
    estimatedWeeks: 3,
    eqfLevel: 6,
    iscedCode: '0223',
    keywords: ['filosofie', 'wetenschap', 'Popper', 'Kuhn', 'kennisleer'],
    modules: [
      {
        title: 'Klassieke posities',
        lessons: [
          { title: 'Falsificatie volgens Popper', minutes: 12, body: '## Weerlegbaar\n\nVolgens **Karl Popper** is een theorie wetenschappelijk als ze *weerlegd* kan worden.' },
          { title: 'Paradigma\'s volgens Kuhn', minutes: 12, body: '## Normale wetenschap en revoluties\n\n1. normale wetenschap\n2. crisis\n3. revolutie\n4. nieuw paradigma' },
        ],
      },
    ],
  },
];

/** Demo courses: the bilingual open-learning course (the demo learner is enrolled) and three more for the catalogue. */
export function seedDemoCourses(ctx: DemoContext): void {
  const { db, clock } = ctx;
  const lecturer = db.select().from(users).where(eq(users.id, ctx.lecturer.id)).get();
  const learner = db.select().from(users).where(eq(users.id, ctx.learner.id)).get();
  if (!lecturer || !learner) return;
  const courses = createCourseService({ db, clock });
  const lessons = createLessonService({ db, clock });
  const enrolments = createEnrolmentService({ db, clock });

  for (const { modules, ...fields } of [OPEN_LEARNING, ...MORE]) {
    const course = courses.create(lecturer, { ...fields, institutionId: ctx.institutionId });
    for (const m of modules) {
      const mod = courses.addModule(lecturer, course.id, m.title);
      for (const l of m.lessons) lessons.create(lecturer, mod.id, { title: l.title, kind: 'text', estimatedMinutes: l.minutes, optional: l.optional ?? false, body: l.body });
    }
    courses.publish(lecturer, course.id);
    if (fields.slug === OPEN_LEARNING.slug) enrolments.enrol(learner, course.id);
  }
}
