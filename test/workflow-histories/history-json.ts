import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

// Temporal's JSON history format, the one `temporal workflow show --output json` and the UI's
// download write. @temporalio/common's historyToJSON / historyFromJSON (which the replay worker
// also uses for JSON) fail here with "type must be a Type": npm gives @temporalio/common its own
// copy of protobufjs (the top-level one is @grpc/proto-loader's 7.x), and protojson of one copy
// refuses message types built by another. These use the protojson of @temporalio/proto's copy.
const protojsonPath = require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto'))] });
const protojson = require(protojsonPath) as {
  toJson: (type: unknown, message: unknown) => unknown;
  fromJson: (type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }) => History | null;
};
// The generated types leave out the root's lookupType, as in @temporalio/common.
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType: (name: string) => unknown }).lookupType('temporal.api.history.v1.History');

export function historyToJSON(history: History): string {
  return `${JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2)}\n`;
}

export function historyFromJSON(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history?.events?.length) throw new TypeError('not a workflow history: no events');
  return history;
}
