export * from './accounts.ts';
export * from './courses.ts';
export * from './media.ts';
export * from './quizzes.ts';
export * from './progress.ts';
export * from './credentials.ts';
