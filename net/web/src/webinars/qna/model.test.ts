import { describe, expect, it } from 'vitest';
import { mergeQuestion, onScreen, parseQna, parseQnaFrame, parseQuestion, questionTextError, section, sortQuestions, type Question } from './model';

const q = (id: number, over: Partial<Question> = {}): Question => ({
  id,
  author: `user${id}`,
  text: `question ${id}`,
  votes: 0,
  voted: false,
  status: 'approved',
  on_screen: false,
  asked_at_ms: id * 1000,
  answered_at_ms: null,
  ...over,
});

describe('parsing', () => {
  it('reads a question and refuses what is not one', () => {
    expect(parseQuestion({ id: 3, author: 'ann', text: 'Why?', votes: 2, voted: true, status: 'answered', on_screen: true, asked_at_ms: 5, answered_at_ms: 9 })).toEqual({
      id: 3,
      author: 'ann',
      text: 'Why?',
      votes: 2,
      voted: true,
      status: 'answered',
      on_screen: true,
      asked_at_ms: 5,
      answered_at_ms: 9,
    });
    expect(parseQuestion({ id: 3, status: 'deleted' })).toBeNull();
    expect(parseQuestion(null)).toBeNull();
    expect(parseQuestion({ status: 'approved' })).toBeNull();
  });

  it('reads the listing with the caller rights', () => {
    const s = parseQna({ webinar: 'w1', channel: 'alice', moderation: true, can: { ask: true, moderate: false }, questions: [{ id: 1, status: 'approved' }, { bad: 1 }] });
    expect(s?.canAsk).toBe(true);
    expect(s?.canModerate).toBe(false);
    expect(s?.questions.map((x) => x.id)).toEqual([1]);
    expect(parseQna({ questions: [] })).toBeNull();
  });

  it('takes only qa frames of its own webinar', () => {
    expect(parseQnaFrame({ type: 'qa', webinar: 'w1', question: { id: 1, status: 'approved' } }, 'w1')).toMatchObject({ kind: 'question' });
    expect(parseQnaFrame({ type: 'qa', webinar: 'w1', pending: 3 }, 'w1')).toEqual({ kind: 'pending', pending: 3 });
    expect(parseQnaFrame({ type: 'qa', webinar: 'w2', pending: 3 }, 'w1')).toBeNull();
    expect(parseQnaFrame({ type: 'slide', webinar: 'w1' }, 'w1')).toBeNull();
  });
});

describe('merging frames into the list', () => {
  it('appends new questions and replaces known ones, keeping the caller vote from frames', () => {
    let list = [q(1, { voted: true, votes: 1 })];
    list = mergeQuestion(list, q(2));
    expect(list.map((x) => x.id)).toEqual([1, 2]);
    // A frame (somebody else voted) does not know this caller voted.
    list = mergeQuestion(list, q(1, { votes: 2, voted: false }));
    expect(list[0]).toMatchObject({ votes: 2, voted: true });
    // The caller's own answer is the truth.
    list = mergeQuestion(list, q(1, { votes: 1, voted: false }), { own: true });
    expect(list[0]).toMatchObject({ votes: 1, voted: false });
  });

  it('keeps one question on screen', () => {
    let list = [q(1, { on_screen: true }), q(2)];
    list = mergeQuestion(list, q(2, { on_screen: true }));
    expect(list.filter((x) => x.on_screen).map((x) => x.id)).toEqual([2]);
    expect(onScreen(list)?.id).toBe(2);
  });

  it('drops a hidden question for viewers, keeps it (with its text) for moderators', () => {
    const list = [q(1), q(2)];
    const hiddenFrame = q(1, { status: 'hidden', text: '', author: '' });
    expect(mergeQuestion(list, hiddenFrame).map((x) => x.id)).toEqual([2]);
    const kept = mergeQuestion(list, hiddenFrame, { keepHidden: true });
    expect(kept[0]).toMatchObject({ status: 'hidden', text: 'question 1', author: 'user1' });
  });
});

describe('sorting and sections', () => {
  const list = [q(1, { votes: 1 }), q(2, { votes: 5 }), q(3, { votes: 1 }), q(4, { status: 'pending' }), q(5, { status: 'answered', votes: 9 })];

  it('sorts by votes (ties: oldest first) or newest first', () => {
    expect(sortQuestions(list, 'votes').map((x) => x.id)).toEqual([5, 2, 1, 3, 4]);
    expect(sortQuestions(list, 'time').map((x) => x.id)).toEqual([5, 4, 3, 2, 1]);
  });

  it('splits open, answered and pending questions', () => {
    expect(section(list, 'open').map((x) => x.id)).toEqual([1, 2, 3]);
    expect(section(list, 'answered').map((x) => x.id)).toEqual([5]);
    expect(section(list, 'pending').map((x) => x.id)).toEqual([4]);
  });

  it('checks the text as the server does', () => {
    expect(questionTextError('   ')).not.toBeNull();
    expect(questionTextError('a'.repeat(500))).toBeNull();
    expect(questionTextError('a'.repeat(501))).not.toBeNull();
    expect(questionTextError(' ok ')).toBeNull();
  });
});
