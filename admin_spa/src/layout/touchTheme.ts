import type { ThemeConfig } from 'antd';

/** The smallest thing a finger should have to hit, in CSS pixels (Apple's HIG, WCAG 2.5.5). */
export const TOUCH_TARGET_PX = 44;

/**
 * The theme on a phone: buttons, inputs, selects, segmented controls, pagination and menu
 * entries all at least 44 px high, small sizes included, so a list is worked with a thumb.
 */
export const touchTheme: ThemeConfig = {
  token: {
    controlHeight: TOUCH_TARGET_PX,
    controlHeightSM: TOUCH_TARGET_PX,
    controlHeightLG: TOUCH_TARGET_PX + 4,
  },
  components: {
    // The header keeps its height: it is derived from controlHeight otherwise.
    Layout: { headerHeight: 64 },
    Menu: { itemHeight: TOUCH_TARGET_PX },
    Pagination: { itemSize: TOUCH_TARGET_PX, itemSizeSM: TOUCH_TARGET_PX },
    // A segmented control's options sit 2 px inside its track.
    Segmented: {
      controlHeight: TOUCH_TARGET_PX + 4,
      controlHeightSM: TOUCH_TARGET_PX + 4,
      controlHeightLG: TOUCH_TARGET_PX + 8,
    },
    // A small switch is as big as a normal one; global.css widens the area that takes the tap.
    Switch: { trackHeightSM: 22, trackMinWidthSM: 44, handleSizeSM: 18 },
  },
};

/**
 * The theme everywhere else: nothing changed. It is an object rather than no theme because antd's
 * ConfigProvider adds a provider around its children only when given one, so switching between a
 * theme and none would remount the whole page (a form half filled, an open drawer) whenever the
 * window crossed the phone width.
 */
export const desktopTheme: ThemeConfig = {};
