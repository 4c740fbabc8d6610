import { messages } from './core.ts';
import { t as common } from './common.ts';

export const nl = {
  'home.title': 'Welkom bij Leerpad',
  'home.titleUser': 'Welkom terug, {name}',
  'home.lead': 'Gratis online cursussen van Vlaamse universiteiten en hogescholen: korte video’s, oefenvragen en leren op je eigen tempo.',
  'home.browse': 'Bekijk de catalogus',
  'home.register': 'Maak een gratis account',
  'home.login': 'Ik heb al een account',
  'home.how': 'Zo werkt het',
  'home.step1.title': 'Kies een cursus',
  'home.step1.text': 'Blader door de catalogus en schrijf je in. Veel cursussen kan je ook zonder account bekijken.',
  'home.step2.title': 'Leer op je eigen tempo',
  'home.step2.text': 'De video’s passen zich aan je verbinding aan, met ondertitels en een transcript.',
  'home.step3.title': 'Test jezelf',
  'home.step3.text': 'Korte quizzen geven meteen feedback, en je voortgang wordt bewaard.',
};

export const en: typeof nl = {
  'home.title': 'Welcome to Leerpad',
  'home.titleUser': 'Welcome back, {name}',
  'home.lead': 'Free online courses from Flemish universities and university colleges: short videos, practice questions and learning at your own pace.',
  'home.browse': 'Browse the catalogue',
  'home.register': 'Create a free account',
  'home.login': 'I already have an account',
  'home.how': 'How it works',
  'home.step1.title': 'Choose a course',
  'home.step1.text': 'Browse the catalogue and enrol. Many courses can be watched without an account, too.',
  'home.step2.title': 'Learn at your own pace',
  'home.step2.text': 'Videos adapt to your connection, with subtitles and a transcript.',
  'home.step3.title': 'Test yourself',
  'home.step3.text': 'Short quizzes give instant feedback, and your progress is saved.',
};

export const t = messages({ nl, en }, common);
