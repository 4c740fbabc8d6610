import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { videos, type Caption, type Video } from '../../api.ts';
import { lang } from '../../i18n/core.ts';
import { t } from '../../i18n/video.ts';
import { emitPlayback, playedRanges, type PlaybackEventType, type PlaybackListener } from './events.ts';
import { loadHls, nativeOnly, type Hls } from './hls.ts';
import { formatTime } from './model.ts';
import './video.css';

/**
 * The adaptive video player: hls.js (lazy) where Media Source Extensions exist, the browser's own HLS otherwise
 * (Safari on iPhone). The native <video> has no `controls`: ours are real buttons, sliders and selects, so every
 * part has a label, a visible focus ring and a keyboard path. Shortcuts work while focus is inside the player.
 */
export interface PlayerProps {
  video: Video;
  lessonId: string;
  title: string;
  /**
   * Resume: seconds to start from (ignored when past the end); the first value that is not null counts. null: not
   * known yet (the learner's progress is on its way): the player shows and loads the manifest meanwhile, and starts
   * loading the media once it is known.
   */
  startAt?: number | null;
  onPlaybackEvent?: PlaybackListener;
}

export const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as const;
const PREFS_KEY = 'leerpad.player';

interface Prefs {
  volume: number;
  muted: boolean;
  speed: number;
  captionsOn: boolean;
  /** The last caption language chosen, also while captions are off. */
  captionLang: string | null;
}

const DEFAULT_PREFS: Prefs = { volume: 1, muted: false, speed: 1, captionsOn: false, captionLang: null };

function readPrefs(): Prefs {
  try {
    const raw = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<Prefs>;
    return {
      volume: typeof raw.volume === 'number' && raw.volume >= 0 && raw.volume <= 1 ? raw.volume : 1,
      muted: raw.muted === true,
      speed: SPEEDS.includes(raw.speed as (typeof SPEEDS)[number]) ? (raw.speed as number) : 1,
      captionsOn: raw.captionsOn === true,
      captionLang: typeof raw.captionLang === 'string' ? raw.captionLang : null,
    };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

function savePrefs(patch: Partial<Prefs>) {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify({ ...readPrefs(), ...patch }));
  } catch {
    // Blocked storage: the choice lasts for this page.
  }
}

interface Level {
  index: number;
  height: number;
  bitrate: number;
}

const levelName = (l: Level | undefined) => (!l ? '' : l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kbit/s`);
const speedName = (s: number) => `${new Intl.NumberFormat(lang.value === 'nl' ? 'nl-BE' : 'en-GB').format(s)}×`;

/** The caption language to switch on when the viewer has not chosen one: the interface language, else the first. */
function preferredCaption(captions: Caption[], remembered: string | null): string | null {
  if (!captions.length) return null;
  const match = (l: string | null) => (l ? captions.find((c) => c.language === l || c.language.split('-')[0] === l.split('-')[0]) : undefined);
  return (match(remembered) ?? match(lang.value) ?? captions[0]).language;
}

type Fullscreenable = HTMLVideoElement & { webkitEnterFullscreen?: () => void; webkitSupportsFullscreen?: boolean };

function Icon({ name }: { name: 'play' | 'pause' | 'volume' | 'muted' | 'cc' | 'settings' | 'fullscreen' | 'exit-fullscreen' }) {
  const paths: Record<typeof name, string> = {
    play: 'M8 5v14l11-7z',
    pause: 'M6 5h4v14H6zM14 5h4v14h-4z',
    volume: 'M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z',
    muted: 'M16.5 12A4.5 4.5 0 0 0 14 8v2.2l2.45 2.45c.03-.2.05-.42.05-.65zM19 12c0 .94-.2 1.82-.54 2.64l1.51 1.51A8.8 8.8 0 0 0 21 12a9 9 0 0 0-7-8.77v2.06A7 7 0 0 1 19 12zM4.27 3 3 4.27 7.73 9H3v6h4l5 5v-6.73l4.25 4.25c-.67.52-1.42.93-2.25 1.18v2.06a9 9 0 0 0 3.69-1.81L19.73 21 21 19.73l-9-9L4.27 3zM12 4 9.91 6.09 12 8.18V4z',
    cc: 'M19 4H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm-8 7H9.5v-.5h-2v3h2V13H11v1a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v1zm7 0h-1.5v-.5h-2v3h2V13H18v1a1 1 0 0 1-1 1h-3a1 1 0 0 1-1-1v-4a1 1 0 0 1 1-1h3a1 1 0 0 1 1 1v1z',
    settings:
      'M19.14 12.94a7.1 7.1 0 0 0 0-1.88l2.03-1.58a.5.5 0 0 0 .12-.64l-1.92-3.32a.5.5 0 0 0-.6-.22l-2.39.96a7 7 0 0 0-1.63-.94l-.36-2.54A.5.5 0 0 0 13.9 2h-3.84a.5.5 0 0 0-.49.42l-.36 2.54a7 7 0 0 0-1.63.94l-2.39-.96a.5.5 0 0 0-.6.22L2.67 8.48a.5.5 0 0 0 .12.64l2.03 1.58a7.1 7.1 0 0 0 0 1.88l-2.03 1.58a.5.5 0 0 0-.12.64l1.92 3.32c.13.22.39.3.6.22l2.39-.96c.5.38 1.05.7 1.63.94l.36 2.54c.05.24.25.42.49.42h3.84c.24 0 .44-.18.49-.42l.36-2.54a7 7 0 0 0 1.63-.94l2.39.96c.22.08.47 0 .6-.22l1.92-3.32a.5.5 0 0 0-.12-.64l-2.03-1.58zM12 15.5A3.5 3.5 0 1 1 12 8.5a3.5 3.5 0 0 1 0 7z',
    fullscreen: 'M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z',
    'exit-fullscreen': 'M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z',
  };
  return (
    <svg class="vp-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="currentColor" />
    </svg>
  );
}

export function Player({ video, lessonId, title, startAt, onPlaybackEvent }: PlayerProps) {
  const root = useRef<HTMLDivElement>(null);
  const media = useRef<HTMLVideoElement>(null);
  const seekBar = useRef<HTMLInputElement>(null);
  const volumeBar = useRef<HTMLInputElement>(null);
  const settingsButton = useRef<HTMLButtonElement>(null);
  const hlsRef = useRef<Hls | null>(null);
  const [prefs] = useState(readPrefs);

  const [src, setSrc] = useState({ url: video.playbackUrl ?? '', captions: video.captions, attempt: 0 });
  const [engine, setEngine] = useState<'loading' | 'hls.js' | 'native' | 'none'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(true);
  const [started, setStarted] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(video.durationSeconds ?? 0);
  const [volume, setVolume] = useState(prefs.volume);
  const [muted, setMuted] = useState(prefs.muted);
  const [speed, setSpeed] = useState(prefs.speed);
  const [levels, setLevels] = useState<Level[]>([]);
  const [chosenLevel, setChosenLevel] = useState(-1);
  const [playingLevel, setPlayingLevel] = useState(-1);
  const [captionLang, setCaptionLang] = useState<string | null>(prefs.captionsOn ? preferredCaption(video.captions, prefs.captionLang) : null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [id] = useState(() => `vp-${Math.random().toString(36).slice(2, 8)}`);

  const autoRefreshed = useRef(false);
  /** The latest `startAt`, for an engine made once it is known; `begin` hands it to an engine made before. */
  const startRef = useRef(startAt);
  startRef.current = startAt;
  const begin = useRef<((at: number) => void) | null>(null);
  const listener = useRef(onPlaybackEvent);
  listener.current = onPlaybackEvent;
  const captions = src.captions;

  /** Fresh signed URLs from the API, then a new engine that resumes where playback was. */
  const reload = () => {
    videos.get(video.id).then(
      (r) => {
        if (r.video.playbackUrl) setSrc((s) => ({ url: r.video.playbackUrl!, captions: r.video.captions, attempt: s.attempt + 1 }));
        else setError(t('video.player.error'));
      },
      () => setError(t('video.player.error')),
    );
  };

  // A new video (or a replaced one) starts over with fresh signed URLs. Not on mount: the state starts with
  // them, and a new `src` would make the engine load the manifest a second time.
  useEffect(() => {
    const url = video.playbackUrl ?? '';
    setSrc((s) => (s.url === url ? s : { url, captions: video.captions, attempt: 0 }));
  }, [video.id, video.playbackUrl]);

  // The media engine. Re-created when the source changes (a new video, or fresh signed URLs after expiry). It
  // loads the manifest at once, and the media from the start position once that is known too. Layout effects (here
  // and below): the engine starts, and the element is listened to, in the same task as the player appears, so a
  // click on play that comes at once is neither a frame late nor missed.
  useLayoutEffect(() => {
    const el = media.current;
    if (!el || !src.url) return;
    let cancelled = false;
    let hls: Hls | null = null;
    /** Where playback starts, null until known; a new engine for the same video goes on where the last one was. */
    let startFrom: number | null = src.attempt > 0 ? el.currentTime : startRef.current === undefined ? 0 : startRef.current;
    let manifestParsed = false;
    let begun = false;
    setError(null);
    setEngine('loading');

    /** Starts the media from `startFrom`, once per engine, when both it and the engine are ready. */
    const beginLoad = () => {
      if (begun || startFrom === null) return;
      if (hls) {
        if (!manifestParsed) return;
        begun = true;
        hls.startLoad(startFrom > 0 ? startFrom : -1);
      } else if (el.readyState >= HTMLMediaElement.HAVE_METADATA) {
        begun = true;
        if (startFrom > 0 && Number.isFinite(el.duration) && startFrom < el.duration - 1) el.currentTime = startFrom;
      }
    };
    const handOver = (at: number) => {
      startFrom ??= at;
      beginLoad();
    };
    begin.current = handOver;

    /** Signed media URLs expire: a page left open for long asks for new ones, once per page view. */
    const refresh = () => {
      if (autoRefreshed.current) return setError(t('video.player.error'));
      autoRefreshed.current = true;
      reload();
    };

    const start = async () => {
      let Hls: Awaited<ReturnType<typeof loadHls>> | null = null;
      if (!nativeOnly(el)) {
        try {
          Hls = await loadHls();
        } catch (err) {
          console.warn('hls.js failed to load', err);
        }
      }
      if (cancelled) return;
      if (Hls && Hls.isSupported()) {
        hls = new Hls({ autoStartLoad: false, capLevelToPlayerSize: true, enableWorker: false });
        hlsRef.current = hls;
        hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
          setLevels(data.levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate })).sort((a, b) => b.height - a.height || b.bitrate - a.bitrate));
          manifestParsed = true;
          beginLoad();
        });
        hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
          setPlayingLevel(data.level);
          if (root.current) root.current.dataset.level = String(data.level);
        });
        hls.on(Hls.Events.ERROR, (_e, data) => {
          if (!data.fatal) return;
          if (data.type === Hls!.ErrorTypes.MEDIA_ERROR) {
            hls?.recoverMediaError();
          } else if (data.type === Hls!.ErrorTypes.NETWORK_ERROR && data.response?.code === 403) {
            refresh();
          } else {
            console.warn('playback failed', data.type, data.details);
            setError(t('video.player.error'));
          }
        });
        hls.loadSource(src.url);
        hls.attachMedia(el);
        setEngine('hls.js');
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        el.addEventListener('loadedmetadata', beginLoad);
        el.src = src.url;
        setEngine('native');
      } else {
        setEngine('none');
        setError(t('video.player.unsupported'));
      }
    };
    void start();

    const onNativeError = () => {
      // With hls.js, errors arrive through its ERROR event instead.
      if (!hls && el.error) refresh();
    };
    el.addEventListener('error', onNativeError);
    return () => {
      cancelled = true;
      if (begin.current === handOver) begin.current = null;
      el.removeEventListener('error', onNativeError);
      el.removeEventListener('loadedmetadata', beginLoad);
      hls?.destroy();
      if (hlsRef.current === hls) hlsRef.current = null;
      if (!hls) {
        el.removeAttribute('src');
        el.load();
      }
      setLevels([]);
      setChosenLevel(-1);
      setPlayingLevel(-1);
    };
    // startAt applies to the first load only; video.id is covered by src.
  }, [src]);

  useLayoutEffect(() => {
    if (startAt !== null) begin.current?.(startAt ?? 0);
  }, [startAt]);

  // Media element -> state, and the playback events for the progress feature.
  useLayoutEffect(() => {
    const el = media.current!;
    el.volume = prefs.volume;
    el.muted = prefs.muted;
    el.defaultPlaybackRate = prefs.speed;
    el.playbackRate = prefs.speed;

    const emit = (type: PlaybackEventType) => {
      const event = { type, lessonId, videoId: video.id, currentTime: el.currentTime, duration: el.duration, played: playedRanges(el.played) };
      try {
        listener.current?.(event);
      } catch (err) {
        console.error('onPlaybackEvent failed', err);
      }
      emitPlayback(event);
    };
    const handlers: Array<[string, () => void]> = [
      ['play', () => { setPaused(false); setStarted(true); emit('play'); }],
      ['pause', () => { setPaused(true); emit('pause'); }],
      ['playing', () => setWaiting(false)],
      ['waiting', () => setWaiting(true)],
      ['canplay', () => setWaiting(false)],
      ['timeupdate', () => { setTime(el.currentTime); emit('timeupdate'); }],
      ['seeked', () => { setTime(el.currentTime); emit('seeked'); }],
      ['ended', () => { setPaused(true); emit('ended'); }],
      ['durationchange', () => Number.isFinite(el.duration) && setDuration(el.duration)],
      ['loadedmetadata', () => Number.isFinite(el.duration) && setDuration(el.duration)],
      ['ratechange', () => setSpeed(el.playbackRate)],
      ['volumechange', () => {
        setVolume(el.volume);
        setMuted(el.muted);
        savePrefs({ volume: el.volume, muted: el.muted });
      }],
    ];
    for (const [name, fn] of handlers) el.addEventListener(name, fn);
    return () => {
      for (const [name, fn] of handlers) el.removeEventListener(name, fn);
    };
  }, [video.id, lessonId]);

  // Which text track shows. Tracks can appear after render (hls.js, a late <track>), hence the addtrack listener.
  useEffect(() => {
    const el = media.current!;
    const apply = () => {
      for (const track of Array.from(el.textTracks)) {
        const ours = track.kind === 'captions' || track.kind === 'subtitles';
        track.mode = ours && captionLang && track.language === captionLang ? 'showing' : 'disabled';
      }
    };
    apply();
    el.textTracks.addEventListener('addtrack', apply);
    return () => el.textTracks.removeEventListener('addtrack', apply);
  }, [captionLang, captions]);

  useEffect(() => {
    const onChange = () => setFullscreen(!!root.current && document.fullscreenElement === root.current);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  // The seek bar's filled part, as a custom property (CSSOM, which the style-src CSP allows).
  useEffect(() => {
    seekBar.current?.style.setProperty('--vp-fill', `${duration > 0 ? Math.min(100, (time / duration) * 100) : 0}%`);
    volumeBar.current?.style.setProperty('--vp-fill', `${muted ? 0 : volume * 100}%`);
  }, [time, duration, volume, muted]);

  const say = (text: string) => {
    // The same text twice in a row is still announced: clear first, then set.
    setAnnouncement('');
    requestAnimationFrame(() => setAnnouncement(text));
  };

  const el = () => media.current!;

  const togglePlay = (announce = false) => {
    const v = el();
    if (v.paused || v.ended) {
      v.play().catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') console.warn('play() refused', err);
      });
      if (announce) say(t('video.player.playing'));
    } else {
      v.pause();
      if (announce) say(t('video.player.paused'));
    }
  };

  const seekTo = (seconds: number) => {
    const v = el();
    const end = Number.isFinite(v.duration) ? v.duration : duration;
    v.currentTime = Math.max(0, Math.min(end || 0, seconds));
    setTime(v.currentTime);
  };

  const changeVolume = (delta: number) => {
    const v = el();
    v.volume = Math.max(0, Math.min(1, Math.round((v.volume + delta) * 100) / 100));
    if (v.muted && delta > 0) v.muted = false;
    say(t('video.player.volumeValue', { percent: Math.round(v.volume * 100) }));
  };

  const toggleMute = (announce = false) => {
    const v = el();
    v.muted = !v.muted;
    if (!v.muted && v.volume === 0) v.volume = 0.5;
    if (announce) say(v.muted ? t('video.player.muted') : t('video.player.volumeValue', { percent: Math.round(v.volume * 100) }));
  };

  const chooseCaptions = (language: string | null) => {
    setCaptionLang(language);
    savePrefs(language ? { captionsOn: true, captionLang: language } : { captionsOn: false });
    const label = captions.find((c) => c.language === language)?.label;
    say(language && label ? t('video.player.captionsOn', { language: label }) : t('video.player.captionsOff'));
  };

  const toggleCaptions = () => {
    if (!captions.length) return;
    chooseCaptions(captionLang ? null : preferredCaption(captions, readPrefs().captionLang));
  };

  const chooseSpeed = (s: number) => {
    const v = el();
    v.defaultPlaybackRate = s;
    v.playbackRate = s;
    savePrefs({ speed: s });
    say(t('video.player.speedSet', { speed: speedName(s) }));
  };

  const chooseLevel = (index: number) => {
    setChosenLevel(index);
    const hls = hlsRef.current;
    // -1 hands the choice back to hls.js's bandwidth estimate; a fixed level switches at once.
    if (hls) hls.currentLevel = index;
    say(t('video.player.qualitySet', { level: index < 0 ? t('video.player.auto') : levelName(levels.find((l) => l.index === index)) }));
  };

  const canFullscreen = typeof document !== 'undefined' && (document.fullscreenEnabled || !!(media.current as Fullscreenable | null)?.webkitSupportsFullscreen);
  const toggleFullscreen = () => {
    const r = root.current!;
    if (document.fullscreenElement) {
      void document.exitFullscreen();
    } else if (r.requestFullscreen && document.fullscreenEnabled) {
      r.requestFullscreen().catch((err: unknown) => console.warn('full screen refused', err));
    } else {
      (el() as Fullscreenable).webkitEnterFullscreen?.();
    }
  };

  const closeSettings = () => {
    setSettingsOpen(false);
    settingsButton.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    const tag = target.tagName;
    if (tag === 'SELECT' || tag === 'TEXTAREA' || (tag === 'INPUT' && (target as HTMLInputElement).type !== 'range')) {
      if (e.key === 'Escape' && settingsOpen) {
        e.preventDefault();
        closeSettings();
      }
      return;
    }
    const onControl = tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
    const onSeek = target === seekBar.current;
    const onVolume = target === volumeBar.current;
    const v = el();
    switch (e.key) {
      case ' ':
        if (onControl) return; // the focused button's own action
        togglePlay(true);
        break;
      case 'k':
      case 'K':
        togglePlay(true);
        break;
      case 'ArrowLeft':
        if (onVolume) changeVolume(-0.05);
        else seekTo(v.currentTime - 5);
        break;
      case 'ArrowRight':
        if (onVolume) changeVolume(0.05);
        else seekTo(v.currentTime + 5);
        break;
      case 'ArrowUp':
        if (onSeek) seekTo(v.currentTime + 5);
        else changeVolume(onVolume ? 0.05 : 0.1);
        break;
      case 'ArrowDown':
        if (onSeek) seekTo(v.currentTime - 5);
        else changeVolume(onVolume ? -0.05 : -0.1);
        break;
      case 'PageUp':
        if (!onSeek) return;
        seekTo(v.currentTime + 30);
        break;
      case 'PageDown':
        if (!onSeek) return;
        seekTo(v.currentTime - 30);
        break;
      case 'Home':
        if (onVolume) return;
        seekTo(0);
        break;
      case 'End':
        if (onVolume) return;
        seekTo(v.duration);
        break;
      case 'f':
      case 'F':
        toggleFullscreen();
        break;
      case 'c':
      case 'C':
        toggleCaptions();
        break;
      case 'm':
      case 'M':
        toggleMute(true);
        break;
      case 'Escape':
        if (!settingsOpen) return;
        closeSettings();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const onSeekInput = (e: TargetedEvent<HTMLInputElement>) => seekTo(Number(e.currentTarget.value));
  const onVolumeInput = (e: TargetedEvent<HTMLInputElement>) => {
    const v = el();
    v.volume = Number(e.currentTarget.value);
    v.muted = v.volume === 0;
  };

  const shownLevel = levels.find((l) => l.index === playingLevel);
  const timeText = t('video.player.timeOf', { current: formatTime(time), total: formatTime(duration) });

  return (
    <div
      ref={root}
      class={`vp${fullscreen ? ' vp--fullscreen' : ''}${paused ? ' vp--paused' : ''}`}
      role="region"
      aria-label={t('video.player.label', { title })}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-engine={engine}
    >
      <div class="vp-stage">
        {/* Clicking the picture plays or pauses; keyboard users have the play button and the shortcuts. */}
        <video
          ref={media}
          class="vp-video"
          poster={video.posterUrl}
          preload="metadata"
          playsInline
          onClick={() => togglePlay()}
          onDblClick={toggleFullscreen}
        >
          {captions.map((c) => (
            <track key={c.url} kind="captions" srcLang={c.language} label={c.label} src={c.url} />
          ))}
        </video>
        {paused && !error && (
          <span class={`vp-bigplay${started ? ' vp-bigplay--small' : ''}`} aria-hidden="true">
            <Icon name="play" />
          </span>
        )}
        {waiting && !paused && <span class="vp-spinner" aria-hidden="true" />}
        {engine === 'loading' && !error && <p class="vp-overlay-text">{t('video.player.loading')}</p>}
      </div>

      <div class="vp-controls">
        <input
          ref={seekBar}
          type="range"
          class="vp-range vp-seek"
          min={0}
          max={duration || 0}
          step={0.1}
          value={time}
          onInput={onSeekInput}
          aria-label={t('video.player.seek')}
          aria-valuetext={timeText}
          disabled={!!error}
        />
        <div class="vp-bar">
          <div class="vp-group">
            <button type="button" class="vp-button" onClick={() => togglePlay()} aria-label={paused ? t('video.player.play') : t('video.player.pause')} disabled={!!error}>
              <Icon name={paused ? 'play' : 'pause'} />
            </button>
            <span class="vp-time" aria-hidden="true">
              {formatTime(time)} / {formatTime(duration)}
            </span>
            <div class="vp-volume">
              <button type="button" class="vp-button" onClick={() => toggleMute()} aria-label={muted ? t('video.player.unmute') : t('video.player.mute')}>
                <Icon name={muted || volume === 0 ? 'muted' : 'volume'} />
              </button>
              <input
                ref={volumeBar}
                type="range"
                class="vp-range vp-volume-range"
                min={0}
                max={1}
                step={0.05}
                value={muted ? 0 : volume}
                onInput={onVolumeInput}
                aria-label={t('video.player.volume')}
                aria-valuetext={muted ? t('video.player.muted') : `${Math.round(volume * 100)}%`}
              />
            </div>
          </div>
          <div class="vp-group vp-group--end">
            {captions.length > 0 && (
              <button type="button" class="vp-button vp-toggle" onClick={toggleCaptions} aria-pressed={captionLang ? 'true' : 'false'} aria-label={t('video.player.captions')}>
                <Icon name="cc" />
              </button>
            )}
            <button
              ref={settingsButton}
              type="button"
              class="vp-button vp-toggle"
              aria-expanded={settingsOpen ? 'true' : 'false'}
              aria-controls={`${id}-settings`}
              aria-label={t('video.player.settings')}
              onClick={() => setSettingsOpen(!settingsOpen)}
            >
              <Icon name="settings" />
            </button>
            {canFullscreen && (
              <button type="button" class="vp-button" onClick={toggleFullscreen} aria-label={fullscreen ? t('video.player.exitFullscreen') : t('video.player.fullscreen')}>
                <Icon name={fullscreen ? 'exit-fullscreen' : 'fullscreen'} />
              </button>
            )}
          </div>
        </div>
        <div class="vp-settings" id={`${id}-settings`} hidden={!settingsOpen}>
          <div class="vp-setting">
            <label for={`${id}-speed`}>{t('video.player.speed')}</label>
            <select id={`${id}-speed`} value={String(speed)} onChange={(e) => chooseSpeed(Number(e.currentTarget.value))}>
              {SPEEDS.map((s) => (
                <option key={s} value={String(s)}>
                  {s === 1 ? `${speedName(s)} (${t('video.player.speedNormal')})` : speedName(s)}
                </option>
              ))}
            </select>
          </div>
          {engine === 'hls.js' && levels.length > 0 && (
            <div class="vp-setting">
              <label for={`${id}-quality`}>{t('video.player.quality')}</label>
              <select id={`${id}-quality`} value={String(chosenLevel)} onChange={(e) => chooseLevel(Number(e.currentTarget.value))}>
                <option value="-1">{chosenLevel < 0 && shownLevel ? t('video.player.autoNow', { level: levelName(shownLevel) }) : t('video.player.auto')}</option>
                {levels.map((l) => (
                  <option key={l.index} value={String(l.index)}>
                    {levelName(l)}
                  </option>
                ))}
              </select>
            </div>
          )}
          {captions.length > 0 && (
            <div class="vp-setting">
              <label for={`${id}-captions`}>{t('video.player.captionsLanguage')}</label>
              <select id={`${id}-captions`} value={captionLang ?? ''} onChange={(e) => chooseCaptions(e.currentTarget.value || null)}>
                <option value="">{t('video.player.off')}</option>
                {captions.map((c) => (
                  <option key={c.language} value={c.language}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
      </div>

      {error && (
        <div class="notice notice--error vp-error" role="alert">
          <p>{error}</p>
          {engine !== 'none' && (
            <button type="button" class="button button--small" onClick={reload}>
              {t('action.retry')}
            </button>
          )}
        </div>
      )}

      <details class="vp-keys">
        <summary>{t('video.player.shortcuts')}</summary>
        <ul>
          <li>{t('video.player.keyPlay')}</li>
          <li>{t('video.player.keySeek')}</li>
          <li>{t('video.player.keyVolume')}</li>
          <li>{t('video.player.keyMute')}</li>
          <li>{t('video.player.keyCaptions')}</li>
          <li>{t('video.player.keyFullscreen')}</li>
        </ul>
      </details>

      <div class="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}
