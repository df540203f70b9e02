// Lets any screen (add, reissue) hand a fresh device's config to the app,
// which then shows it in place of everything else until the admin is done.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { NewDeviceAnswer } from '../types';

export type ShowConfig = (answer: NewDeviceAnswer, privateKey: string) => void;
export const ShowConfigContext = createContext<ShowConfig>(() => {});
export const useShowConfig = () => useContext(ShowConfigContext);
