import { installTemporalBinaries } from '../src/temporal/install.ts';

await installTemporalBinaries();
console.log('Temporal binaries are installed in .tools/bin');
