import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Handles } from '../../../runtime/sync/handles.js';
import type { ChannelMessage } from '../../../runtime/sync/leader.js';

describe('mutation handles', () => {
  it('a mutation resubmitted, then moved or resubmitted again, settles the handle of the one the app made', async () => {
    const posted: ChannelMessage[] = [];
    const handles = new Handles((m) => posted.push(m));
    const handle = handles.handle(3);
    // 3 conflicts and is resubmitted as 5; 5 is moved behind another resubmission as 8.
    handles.forward(3, 5, true);
    handles.forward(5, 8, true);
    handles.settle(8, { status: 'applied', rev: 4 }, true);
    assert.equal(handle.status, 'applied');
    assert.deepEqual(await handle.acked, { status: 'applied', rev: 4 });
    // Another tab, told the same in order, settles its handle of 3 too.
    const other = new Handles(() => undefined);
    const theirs = other.handle(3);
    for (const m of posted) other.receive(m);
    assert.equal(theirs.status, 'applied');
    assert.deepEqual(await theirs.acked, { status: 'applied', rev: 4 });
  });
});
