// The one behaviour suite every store adapter runs (drizzle's shared integration suite habit):
// memory.test.ts and sqlite.test.ts call runStoreSuite with their factory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionRow, StateMachineRow, Store } from './port.js';

export interface StoreFactory {
  open(): Promise<Store>;
  /** reopen the same data (a restart); undefined for adapters without durability */
  reopen?: () => Promise<Store>;
  cleanup(): Promise<void>;
}

const SM = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';

function machine(arn = SM): StateMachineRow {
  return {
    arn, name: arn.split(':').pop() as string, type: 'STANDARD', definition: '{}', roleArn: 'r', creationDate: 1, updateDate: 1,
    status: 'ACTIVE', lastVersion: 0, createKey: 'k', loggingConfiguration: { level: 'OFF' }, tracingConfiguration: { enabled: false }, revisionId: 'rev',
  };
}

function execution(name: string, over: Partial<ExecutionRow> = {}): ExecutionRow {
  return {
    arn: `arn:aws:states:us-east-1:000000000000:execution:m:${name}`, stateMachineArn: SM, stateMachineName: 'm', name, type: 'STANDARD',
    status: 'RUNNING', startDate: 1000, input: '{}', redriveCount: 0, definition: '{}', roleArn: 'r', timeScale: 1, clockOffset: 0, snapshot: '{"s":1}',
    ...over,
  };
}

export function runStoreSuite(name: string, factory: StoreFactory): void {
  const withStore = (title: string, fn: (s: Store) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const s = await factory.open();
      try { await fn(s); } finally { await s.close(); await factory.cleanup(); }
    });
  };

  withStore('state machines, versions, aliases and tags round-trip and cascade on delete', async (s) => {
    await s.putStateMachine(machine());
    await s.putStateMachine(machine(SM + '2'));
    assert.equal((await s.getStateMachine(SM))?.name, 'm');
    assert.deepEqual((await s.listStateMachines()).map((m) => m.arn), [SM, SM + '2']);
    await s.putStateMachine({ ...machine(), lastVersion: 2 });
    assert.equal((await s.getStateMachine(SM))?.lastVersion, 2);
    assert.deepEqual((await s.listStateMachines()).map((m) => m.arn), [SM, SM + '2'], 'update keeps the order');
    for (const v of [1, 2]) {
      await s.putVersion({ arn: `${SM}:${v}`, stateMachineArn: SM, version: v, definition: '{}', roleArn: 'r', type: 'STANDARD', loggingConfiguration: {}, tracingConfiguration: {}, revisionId: 'x', creationDate: v });
    }
    assert.deepEqual((await s.listVersions(SM)).map((v) => v.version), [2, 1]);
    await s.putAlias({ arn: `${SM}:prod`, stateMachineArn: SM, name: 'prod', routingConfiguration: [{ stateMachineVersionArn: `${SM}:1`, weight: 100 }], creationDate: 1, updateDate: 1 });
    assert.equal((await s.getAlias(`${SM}:prod`))?.routingConfiguration[0]?.weight, 100);
    await s.tagResource(SM, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
    await s.tagResource(SM, [{ key: 'a', value: '3' }]);
    assert.deepEqual(await s.getTags(SM), [{ key: 'a', value: '3' }, { key: 'b', value: '2' }]);
    await s.untagResource(SM, ['a', 'zz']);
    assert.deepEqual(await s.getTags(SM), [{ key: 'b', value: '2' }]);
    await s.deleteVersion(`${SM}:2`);
    assert.deepEqual((await s.listVersions(SM)).map((v) => v.version), [1]);
    await s.deleteStateMachine(SM);
    assert.equal(await s.getStateMachine(SM), undefined);
    assert.deepEqual(await s.listVersions(SM), []);
    assert.deepEqual(await s.listAliases(SM), []);
    assert.deepEqual(await s.getTags(SM), []);
  });

  withStore('executions insert once, list newest first with filters, and steps commit atomically', async (s) => {
    assert.equal(await s.insertExecution(execution('a'), [{ id: 1, json: '{"id":1}' }]), true);
    assert.equal(await s.insertExecution(execution('a'), []), false);
    await s.insertExecution(execution('b', { status: 'SUCCEEDED' }), []);
    await s.insertExecution(execution('c', { stateMachineArn: SM + 'x' }), []);
    assert.deepEqual((await s.listExecutions({}, 0, 10)).map((e) => e.name), ['c', 'b', 'a']);
    assert.deepEqual((await s.listExecutions({ stateMachineArn: SM }, 0, 10)).map((e) => e.name), ['b', 'a']);
    assert.deepEqual((await s.listExecutions({ stateMachineArn: SM }, 1, 10)).map((e) => e.name), ['a']);
    assert.deepEqual((await s.listExecutions({ status: 'SUCCEEDED' }, 0, 10)).map((e) => e.name), ['b']);
    assert.deepEqual((await s.listRunningExecutions()).map((e) => e.name), ['a', 'c']);
    const arn = execution('a').arn;
    await s.commitStep({
      executionArn: arn, execution: { snapshot: '{"s":2}', clockOffset: 5 }, events: [{ id: 2, json: '{"id":2}' }, { id: 3, json: '{"id":3}' }],
      addTimers: [{ executionArn: arn, timerId: 't1', dueAt: 5000, scaled: true }, { executionArn: arn, timerId: 't2', dueAt: 6000, scaled: false }], removeTimers: [],
      addTasks: [{ executionArn: arn, taskId: 'k1', taskToken: 'tok', command: '{}', state: 'SCHEDULED' }], removeTasks: [],
    });
    const e = await s.getExecution(arn);
    assert.equal(e?.snapshot, '{"s":2}');
    assert.equal(e?.clockOffset, 5);
    assert.equal(e?.status, 'RUNNING');
    assert.equal(e?.output, undefined);
    assert.deepEqual((await s.listTimers()).map((t) => [t.timerId, t.dueAt, t.scaled]).sort(), [['t1', 5000, true], ['t2', 6000, false]]);
    assert.equal((await s.getTaskByToken('tok'))?.taskId, 'k1');
    await s.commitStep({
      executionArn: arn, execution: { status: 'SUCCEEDED', stopDate: 9, output: '"done"' }, events: [{ id: 4, json: '{"id":4}' }],
      addTimers: [], removeTimers: ['t1', 't2'], addTasks: [], removeTasks: ['k1'],
    });
    const done = await s.getExecution(arn);
    assert.equal(done?.status, 'SUCCEEDED');
    assert.equal(done?.output, '"done"');
    assert.equal(done?.stopDate, 9);
    assert.deepEqual(await s.listTimers(), []);
    assert.equal(await s.getTaskByToken('tok'), undefined);
    assert.deepEqual((await s.getHistory(arn, { reverse: false, limit: 10 })).map((x) => x.id), [1, 2, 3, 4]);
    assert.deepEqual((await s.getHistory(arn, { reverse: false, afterId: 2, limit: 1 })).map((x) => x.id), [3]);
    assert.deepEqual((await s.getHistory(arn, { reverse: true, limit: 2 })).map((x) => x.id), [4, 3]);
    assert.deepEqual((await s.getHistory(arn, { reverse: true, afterId: 3, limit: 5 })).map((x) => x.id), [2, 1]);
  });

  withStore('activity tasks are handed out once, oldest first', async (s) => {
    const act = 'arn:aws:states:us-east-1:000000000000:activity:w';
    await s.putActivity({ arn: act, name: 'w', creationDate: 1, createKey: '' });
    assert.equal((await s.listActivities()).length, 1);
    const arn = execution('a').arn;
    await s.insertExecution(execution('a'), []);
    await s.commitStep({
      executionArn: arn, execution: {}, events: [], addTimers: [], removeTimers: [], removeTasks: [],
      addTasks: [
        { executionArn: arn, taskId: 'k1', taskToken: 't1', activityArn: act, command: '{"n":1}', state: 'SCHEDULED' },
        { executionArn: arn, taskId: 'k2', taskToken: 't2', activityArn: act, command: '{"n":2}', state: 'SCHEDULED' },
      ],
    });
    assert.equal((await s.claimActivityTask(act))?.taskId, 'k1');
    assert.equal((await s.claimActivityTask(act))?.taskId, 'k2');
    assert.equal(await s.claimActivityTask(act), undefined);
    assert.equal((await s.getTaskByToken('t1'))?.state, 'STARTED');
    await s.deleteActivity(act);
    assert.equal(await s.getActivity(act), undefined);
  });

  test(`${name}: documents are stored by key and replaced whole`, async () => {
    const s = await factory.open();
    try {
      assert.equal(await s.getDocument('apigateway'), undefined);
      await s.putDocument('apigateway', '{"apis":[1]}');
      await s.putDocument('other', 'x');
      await s.putDocument('apigateway', '{"apis":[2]}');
      assert.equal(await s.getDocument('apigateway'), '{"apis":[2]}');
      assert.equal(await s.getDocument('other'), 'x');
    } finally { await s.close(); await factory.cleanup(); }
  });

  if (factory.reopen) {
    const reopen = factory.reopen;
    test(`${name}: data survives a reopen`, async () => {
      const s = await factory.open();
      try {
        await s.putStateMachine(machine());
        await s.insertExecution(execution('a'), [{ id: 1, json: '{}' }]);
        await s.commitStep({ executionArn: execution('a').arn, execution: { snapshot: '{"s":3}' }, events: [], addTimers: [{ executionArn: execution('a').arn, timerId: 't', dueAt: 1, scaled: true }], removeTimers: [], addTasks: [], removeTasks: [] });
        await s.putDocument('apigateway', '{"kept":true}');
        await s.close();
        const again = await reopen();
        assert.equal((await again.getStateMachine(SM))?.name, 'm');
        assert.equal((await again.getExecution(execution('a').arn))?.snapshot, '{"s":3}');
        assert.equal((await again.listTimers()).length, 1);
        assert.equal(await again.getDocument('apigateway'), '{"kept":true}');
        await again.close();
      } finally { await factory.cleanup(); }
    });
  }
}
