import { useEffect, useMemo, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { analytics } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/analytics.ts';
import { formatDateTime, lang } from '../i18n/core.ts';
import { Chart, CsvLink, formatValue } from '../features/stats/chart.tsx';
import type { PageProps } from '../routes.ts';

type Data = Awaited<ReturnType<typeof analytics.course>>;

const clock = (seconds: number) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function Summary({ data }: { data: Data }) {
  const s = data.summary;
  const items: [string, string][] = [
    [t('summary.enrolments'), formatValue(s.enrolments)],
    [t('summary.currentlyEnrolled'), formatValue(s.currentlyEnrolled)],
    [t('summary.shows'), formatValue(s.shows)],
    [t('summary.completions'), formatValue(s.completions)],
    [t('summary.completionRate'), formatValue(s.completionRateOfShows, true)],
  ];
  return (
    <section aria-labelledby="summary">
      <h2 id="summary">{t('summary.title')}</h2>
      <dl class="key-figures">
        {items.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Timeline({ data }: { data: Data }) {
  const labels = useMemo(() => data.timeline.map((p) => p.period), [data]);
  const series = useMemo(
    () => [
      { label: t('timeline.enrolments'), values: data.timeline.map((p) => p.enrolments), bars: true },
      { label: t('timeline.active'), values: data.timeline.map((p) => p.activeLearners) },
      { label: t('timeline.completions'), values: data.timeline.map((p) => p.completions) },
    ],
    [data, lang.value],
  );
  const title = `${t('timeline.title')}, ${t(`timeline.${data.granularity}`)}`;
  return (
    <section aria-labelledby="timeline">
      <h2 id="timeline">{t('timeline.title')}</h2>
      <Chart id="chart-timeline" title={title} labels={labels} xHeader={t('timeline.period')} series={series} csvName="activity" />
    </section>
  );
}

function Funnel({ data }: { data: Data }) {
  const labels = useMemo(() => data.funnel.map((_, i) => String(i + 1)), [data]);
  const series = useMemo(
    () => [
      { label: t('funnel.started'), values: data.funnel.map((s) => s.started), bars: true },
      { label: t('funnel.completed'), values: data.funnel.map((s) => s.completed), bars: true },
    ],
    [data, lang.value],
  );
  const extra = useMemo(
    () => ({ header: t('funnel.lesson'), values: data.funnel.map((s) => `${s.title} (${t(`kind.${s.kind as 'text' | 'video' | 'quiz'}`)})${s.optional ? ` ${t('funnel.optional')}` : ''}`) }),
    [data, lang.value],
  );
  return (
    <section aria-labelledby="funnel">
      <h2 id="funnel">{t('funnel.title')}</h2>
      <p>{t('funnel.lead')}</p>
      {data.funnel.length ? (
        <Chart id="chart-funnel" title={t('funnel.title')} labels={labels} xHeader={t('funnel.position')} extra={extra} series={series} csvName="funnel" />
      ) : (
        <p>{t('funnel.empty')}</p>
      )}
    </section>
  );
}

function Video({ video, index }: { video: Data['videos'][number]; index: number }) {
  const labels = useMemo(() => video.buckets.map((b) => clock(b.fromSecond)), [video]);
  const series = useMemo(() => [{ label: t('video.share'), values: video.buckets.map((b) => b.share) }], [video, lang.value]);
  const title = t('video.heading', { title: video.title, duration: clock(video.durationSeconds), viewers: formatValue(video.viewers) });
  if (!video.viewers || !video.buckets.length) {
    return (
      <div>
        <h3>{title}</h3>
        <p>{t('video.none')}</p>
      </div>
    );
  }
  return <Chart id={`chart-video-${index}`} title={title} labels={labels} xHeader={t('video.from')} series={series} percent csvName={`retention-${index + 1}`} />;
}

function Quiz({ quiz }: { quiz: Data['quizzes'][number] }) {
  const heading = t('quiz.heading', {
    title: quiz.title,
    learners: formatValue(quiz.learners),
    average: quiz.averagePercent === null ? '—' : `${formatValue(quiz.averagePercent)} %`,
    passed: formatValue(quiz.passed),
  });
  const wrong = (q: Data['quizzes'][number]['questions'][number]) => {
    const w = q.mostChosenWrong;
    if (!w) return t('quiz.noWrong');
    const answer = q.type === 'trueFalse' ? t(w.answer === 'true' ? 'quiz.true' : 'quiz.false') : w.answer;
    return t('quiz.wrongCount', { answer, count: w.count });
  };
  const rows: (string | number | null)[][] = [
    [t('funnel.position'), t('quiz.question'), t('quiz.answered'), t('quiz.correct'), t('quiz.difficulty'), t('quiz.wrong')],
    ...quiz.questions.map((q) => [q.position, q.text, q.answered, q.correct, q.difficulty, q.mostChosenWrong ? wrong(q) : null]),
  ];
  const labels = useMemo(() => quiz.questions.map((q) => String(q.position)), [quiz]);
  const series = useMemo(() => [{ label: t('quiz.difficulty'), values: quiz.questions.map((q) => q.difficulty), bars: true }], [quiz, lang.value]);
  return (
    <div class="quiz-results">
      <h3>{heading}</h3>
      {!quiz.learners ? (
        <p>{t('quiz.none')}</p>
      ) : (
        <>
          <div class="table-wrap" role="region" aria-label={t('chart.tableRegion', { title: heading })} tabIndex={0}>
            <table class="data-table">
              <caption class="visually-hidden">{heading}</caption>
              <thead>
                <tr>
                  {rows[0].map((h) => (
                    <th key={String(h)} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {quiz.questions.map((q) => (
                  <tr key={q.questionId}>
                    <td class="num">{q.position}</td>
                    <th scope="row">{q.text}</th>
                    <td class="num">{formatValue(q.answered)}</td>
                    <td class="num">{formatValue(q.correct)}</td>
                    <td class="num">{formatValue(q.difficulty, true)}</td>
                    <td>{wrong(q)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <CsvLink rows={rows} name={`quiz-${quiz.lessonId}`} title={heading} />
          <Chart id={`chart-quiz-${quiz.lessonId}`} title={`${quiz.title}: ${t('quiz.difficulty')}`} labels={labels} xHeader={t('funnel.position')} series={series} percent csvName={`difficulty-${quiz.lessonId}`} />
        </>
      )}
    </div>
  );
}

export default function CourseAnalyticsPage({ params }: PageProps) {
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    setError(null);
    const ctl = new AbortController();
    analytics.course(params.id, ctl.signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(describeError(err).message);
    });
    return () => ctl.abort();
  };
  useEffect(load, [params.id]);

  if (error) return <LoadError message={error} retry={load} />;
  if (!data) return <Loading />;
  return (
    <Page title={t('course.title', { title: data.course.title })} lead={t('course.lead')}>
      <nav class="breadcrumbs" aria-label={t('course.breadcrumbs')}>
        <a href="/studio">{t('course.studio')}</a> › <a href={`/studio/courses/${encodeURIComponent(data.course.id)}`}>{data.course.title}</a>
      </nav>
      <p class="muted">{t('course.generated', { when: formatDateTime(data.generatedAt) })}</p>
      <Summary data={data} />
      <Timeline data={data} />
      <Funnel data={data} />
      {data.videos.length > 0 && (
        <section aria-labelledby="videos">
          <h2 id="videos">{t('video.title')}</h2>
          <p>{t('video.lead')}</p>
          {data.videos.map((v, i) => (
            <Video key={v.lessonId} video={v} index={i} />
          ))}
        </section>
      )}
      {data.quizzes.length > 0 && (
        <section aria-labelledby="quizzes">
          <h2 id="quizzes">{t('quiz.title')}</h2>
          <p>{t('quiz.lead')}</p>
          {data.quizzes.map((q) => (
            <Quiz key={q.lessonId} quiz={q} />
          ))}
        </section>
      )}
    </Page>
  );
}

