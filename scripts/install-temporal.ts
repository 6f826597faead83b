import { installTemporalBinaries } from '../src/tooling/install.ts';

await installTemporalBinaries();
console.log('Temporal binaries are installed in .tools/bin');
