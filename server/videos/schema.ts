import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { VIDEO_STATUSES } from '../../media/states.ts';

/** TypeBox contracts of the video feature (camelCase). */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const VideoStatus = Type.Union(VIDEO_STATUSES.map((s) => Type.Literal(s)));

export const CaptionSchema = Type.Object({
  language: Type.String({ description: 'BCP 47, e.g. nl or nl-BE' }),
  label: Type.String(),
  url: Type.String({ description: 'signed WebVTT URL' }),
});

export const VideoSchema = Type.Object(
  {
    id: Type.String(),
    lessonId: Type.String(),
    status: VideoStatus,
    /** 0..100 */
    progress: Type.Number(),
    durationSeconds: Nullable(Type.Number()),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    posterUrl: Type.Optional(Type.String({ description: 'signed; only when ready' })),
    playbackUrl: Type.Optional(Type.String({ description: 'signed HLS master playlist; only when ready' })),
    captions: Type.Array(CaptionSchema),
    error: Nullable(Type.String()),
    /** Whether this is the video its lesson plays now. */
    current: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    readyAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'Video' },
);
export type VideoInfo = Static<typeof VideoSchema>;

/** What the lesson GET embeds: the video that plays, and for staff the upload that will replace it. */
export const LessonVideoSchema = Type.Object({
  current: Nullable(Type.Ref('Video')),
  pending: Nullable(Type.Ref('Video')),
});
export interface LessonVideo {
  current: VideoInfo | null;
  pending: VideoInfo | null;
}

export const VideoParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const CaptionParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  language: Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' }),
});

export const VideoResponse = Type.Object({ video: Type.Ref('Video') });
export const CaptionResponse = Type.Object({ caption: CaptionSchema });

/** Fields of the caption upload besides the file (multipart bodies are streamed, so they are checked by hand). */
export const CaptionFields = Type.Object({
  language: CaptionParams.properties.language,
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});

export const HlsParams = Type.Object({
  token: Type.String({ maxLength: 100 }),
  videoId: Type.String({ maxLength: 100 }),
  '*': Type.String({ maxLength: 300 }),
});
