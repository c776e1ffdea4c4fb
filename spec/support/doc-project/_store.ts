/** `./_store.js` as routes-and-cli.md's file routes import it: an in-memory todo store. */

/** A todo of the sample store. */
export interface Todo {
  id: number;
  title: string;
  done: boolean;
  doneAt?: string;
}

const items: Todo[] = [];

/** The sample store. */
export const todos = {
  all: (): Todo[] => items,
  add: (data: unknown): Todo => {
    const todo = { id: items.length + 1, title: String((data as { title?: unknown }).title), done: false };
    items.push(todo);
    return todo;
  },
  get: (id: number): Todo | undefined => items.find((t) => t.id === id),
  remove: (id: number): void => void items.splice(items.findIndex((t) => t.id === id), 1),
  done: (): Todo[] => items.filter((t) => t.done),
  doneSince: (since: string): Todo[] => items.filter((t) => t.done && (t.doneAt ?? "") >= since),
};
