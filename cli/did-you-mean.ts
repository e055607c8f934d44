/**
 * The facade's did-you-mean rule, for the command line's choice check
 * (cli/global-options.ts), which loads this module only when a value is not
 * one of the choices.
 *
 * Why a module of its own: importing the facade itself dynamically hands the
 * caller the facade's whole namespace, so the bundle (test/build/bundle-cli.ts)
 * must then load every module the facade re-exports — graphology, yaml, the
 * render stage — with the first command that loads the facade at all. A named
 * re-export keeps the rest of the facade out.
 */
export { didYouMean } from '../engine/index.js';
