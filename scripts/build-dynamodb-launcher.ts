// `npm run dynamodb-launcher`: rebuilds local/dynamodb/engines/LoopbackDynamoDbLocal.jar from its source,
// after an edit of LoopbackDynamoDbLocal.java (a test fails until it is rebuilt). Needs a JDK 17+.

import { locateDynamoDbLocalJar } from '#local/dynamodb/engines/dynamodb-local-jar.ts';
import { buildLauncherJar, LAUNCHER_JAR } from '#local/dynamodb/engines/dynamodb-local-launcher.ts';
import { findJava } from '#local/dynamodb/engines/find-java.ts';

const java = await findJava();
if (!java?.javac) {
  console.error('Rebuilding the launcher needs a JDK 17+ (javac and jar beside java).');
  process.exit(1);
}
await buildLauncherJar(java.javac, locateDynamoDbLocalJar(), LAUNCHER_JAR);
console.log(`Wrote ${LAUNCHER_JAR} (javac ${java.version})`);
