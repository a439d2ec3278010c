// Configuration changed elsewhere (`config_changed`): an admin added, changed or removed a vehicle, driver or geofence.
// The message names the thing and what happened to it; the page reads the thing again through the API, as its user
// may see it, and shows it. Changes to one thing are applied in the order they came, each read only once the one before
// it was applied, so the answer about an older change cannot land after a newer one and bring back what was deleted.

export class ConfigChanges {
  /**
   * @param {object} hooks
   * @param {{[kind: string]: {read: (id: string) => Promise<object>, put: (item: object) => void, remove: (id: string) => void}}} hooks.kinds
   *   per kind of thing (`vehicle`, `driver`, `geofence`): how to read one, show it, and forget it
   * @param {(context: string, error: Error) => void} hooks.failed
   */
  constructor(hooks) {
    this.hooks = hooks;
    // `kind:id` -> the last change of that thing still being applied.
    this.pending = new Map();
  }

  /** @param {{kind: string, id: string, change: string}} change the message's data */
  apply(change) {
    const kind = this.hooks.kinds[change.kind];
    if (!kind || typeof change.id !== 'string') {
      return;
    }
    const key = `${change.kind}:${change.id}`;
    const applied = (this.pending.get(key) ?? Promise.resolve()).then(() => this.applyOne(kind, change));
    this.pending.set(key, applied);
    applied.then(() => {
      if (this.pending.get(key) === applied) {
        this.pending.delete(key);
      }
    });
  }

  /** Never throws: a change that cannot be applied is reported, and the next change of the thing still is applied. */
  async applyOne(kind, { kind: name, id, change }) {
    try {
      if (change === 'deleted') {
        kind.remove(id);
      } else {
        kind.put(await kind.read(id));
      }
    } catch (error) {
      // Gone again before it could be read: a deletion is on its way, and this is what it will say.
      if (error?.status === 404) {
        kind.remove(id);
      } else {
        this.hooks.failed(`Could not show the ${name} that changed`, error);
      }
    }
  }
}
