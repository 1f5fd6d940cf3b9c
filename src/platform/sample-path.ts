/**
 * Where the build puts the sample appliance: the same as src/engine/sample's SAMPLE_OVA_PATH (a test holds them
 * equal). Not imported from there: that module carries the generator, which would come into the page's bundle.
 */
export const SAMPLE_OVA_PATH = 'sample/centos5-sample.ova';
