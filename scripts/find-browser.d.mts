export declare const BROWSER_HINT: string;
export declare function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
