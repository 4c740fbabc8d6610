import { messages } from './core.ts';
import { t as common } from './common.ts';

/** Strings of the pages that later features replace (catalogue, my courses, studio). */
export const nl = {
  'courses.title': 'Catalogus',
  'courses.body': 'Hier komt de catalogus met alle open cursussen.',
  'myCourses.title': 'Mijn cursussen',
  'myCourses.body': 'Hier verschijnen de cursussen waarvoor je ingeschreven bent.',
  'studio.title': 'Studio',
  'studio.body': 'Hier maak en beheer je als docent je cursussen.',
};

export const en: typeof nl = {
  'courses.title': 'Catalogue',
  'courses.body': 'The catalogue of all open courses will be here.',
  'myCourses.title': 'My courses',
  'myCourses.body': 'The courses you have enrolled in will appear here.',
  'studio.title': 'Studio',
  'studio.body': 'Here lecturers create and manage their courses.',
};

export const t = messages({ nl, en }, common);
